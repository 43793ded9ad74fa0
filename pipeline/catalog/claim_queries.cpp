// Claims on units of batch work, so that of several processes sharing one library (the shards of
// a batch) exactly one ingests a folder, renders a group or publishes a story.

#include <string>

#include "pipeline/catalog/catalog.hpp"
#include "pipeline/catalog/dates.hpp"
#include "pipeline/catalog/sqlite_statement.hpp"

namespace saluran {

using namespace catalog_detail;  // NOLINT(google-build-using-namespace): the catalog's own

Result<ClaimState> Catalog::claim_work(const std::string& key, const std::string& owner,
                                       const std::function<bool(const std::string&)>& alive) {
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  std::string holder;
  Result<std::optional<ClaimState>> now = work_state(key, &holder);
  if (!now) return now.error();
  if (*now == ClaimState::kDone) return ClaimState::kDone;
  if (*now == ClaimState::kTaken && holder != owner && (!alive || alive(holder)))
    return ClaimState::kHeld;
  if (Status s = execute(db_,
                         "INSERT INTO work_claims (key, owner, state, updated_at) "
                         "VALUES (?,?,'running',?) ON CONFLICT (key) DO UPDATE SET "
                         "owner = excluded.owner, state = 'running', "
                         "updated_at = excluded.updated_at",
                         {key, owner, now_utc_iso()});
      !s)
    return s.error();
  if (Status s = tx->commit(); !s) return s.error();
  return ClaimState::kTaken;
}

Status Catalog::finish_work(const std::string& key, const std::string& owner) {
  return execute(db_,
                 "INSERT INTO work_claims (key, owner, state, updated_at) VALUES (?,?,'done',?) "
                 "ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, state = 'done', "
                 "updated_at = excluded.updated_at",
                 {key, owner, now_utc_iso()});
}

Status Catalog::release_work(const std::string& key, const std::string& owner) {
  return execute(db_, "DELETE FROM work_claims WHERE key = ? AND owner = ? AND state = 'running'",
                 {key, owner});
}

// kTaken here means "running" (by `owner`), kDone finished; nullopt: never claimed.
Result<std::optional<ClaimState>> Catalog::work_state(const std::string& key, std::string* owner) {
  Result<Statement> st =
      Statement::prepare(db_, "SELECT owner, state FROM work_claims WHERE key = ?");
  if (!st) return st.error();
  if (Status s = st->bind({key}); !s) return s.error();
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<ClaimState>();
  if (owner) *owner = st->text(0);
  return std::optional<ClaimState>(st->text(1) == "done" ? ClaimState::kDone : ClaimState::kTaken);
}

}  // namespace saluran
