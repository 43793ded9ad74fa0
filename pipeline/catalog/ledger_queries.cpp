// The publish ledger: per story, channel and item, the intent before a remote call and its
// result after it, plus an append-only log of every step (the audit trail).

#include <string_view>
#include <vector>

#include "pipeline/catalog/catalog.hpp"
#include "pipeline/catalog/dates.hpp"
#include "pipeline/catalog/sqlite_statement.hpp"

namespace saluran {

using namespace catalog_detail;  // NOLINT(google-build-using-namespace): the catalog's own

namespace {

constexpr std::string_view kLedgerColumns =
    "story, channel, item, state, content_hash, remote_id, url, name, detail, error, attempts, "
    "COALESCE(verified_at, ''), COALESCE(findings_json, ''), updated_at";

Result<LedgerEntry> read_entry(const Statement& st) {
  LedgerEntry e;
  e.story = st.text(0);
  e.channel = st.text(1);
  e.item = st.text(2);
  const std::string state = st.text(3);
  if (state == "intent") {
    e.state = LedgerState::kIntent;
  } else if (state == "done") {
    e.state = LedgerState::kDone;
  } else if (state == "failed") {
    e.state = LedgerState::kFailed;
  } else {
    return unreadable_row("publish ledger state '" + state + "'");
  }
  e.content_hash = st.text(4);
  e.remote_id = st.text(5);
  e.url = st.text(6);
  e.name = st.text(7);
  e.detail = st.text(8);
  e.error = st.text(9);
  e.attempts = static_cast<int>(st.int64(10));
  e.verified_at = st.text(11);
  e.findings_json = st.text(12);
  e.updated_at = st.text(13);
  return e;
}

Status run_statement(sqlite3* db, std::string_view sql, const std::vector<Value>& values) {
  Result<Statement> st = Statement::prepare(db, sql);
  if (!st) return st.error();
  if (Status s = st->bind(values); !s) return s;
  return st->run();
}

Status log_event(sqlite3* db, const std::string& story, const std::string& channel,
                 const std::string& item, std::string_view event, const std::string& detail) {
  return run_statement(
      db, "INSERT INTO publish_log (at, story, channel, item, event, detail) VALUES (?,?,?,?,?,?)",
      {now_utc_iso(), story, channel, item, std::string(event), detail});
}

// One change of a ledger row and its log line, committed together.
template <class Change>
Status ledger_change(sqlite3* db, Change&& change) {
  Result<Transaction> tx = Transaction::begin(db);
  if (!tx) return tx.error();
  if (Status s = change(); !s) return s;
  return tx->commit();
}

}  // namespace

Result<std::optional<LedgerEntry>> Catalog::ledger_entry(const std::string& story,
                                                         const std::string& channel,
                                                         const std::string& item) {
  Result<Statement> st = Statement::prepare(
      db_, std::string("SELECT ") + std::string(kLedgerColumns) +
               " FROM publish_ledger WHERE story = ? AND channel = ? AND item = ?");
  if (!st) return st.error();
  if (Status s = st->bind({story, channel, item}); !s) return s.error();
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<LedgerEntry>();
  Result<LedgerEntry> e = read_entry(*st);
  if (!e) return e.error();
  return std::optional<LedgerEntry>(std::move(*e));
}

Result<std::vector<LedgerEntry>> Catalog::ledger_entries(const std::string& story,
                                                         const std::string& channel) {
  Result<Statement> st = Statement::prepare(
      db_, std::string("SELECT ") + std::string(kLedgerColumns) +
               " FROM publish_ledger WHERE story = ?1 AND (?2 = '' OR channel = ?2) "
               "ORDER BY channel, id");
  if (!st) return st.error();
  if (Status s = st->bind({story, channel}); !s) return s.error();
  std::vector<LedgerEntry> out;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return row.error();
    if (!*row) return out;
    Result<LedgerEntry> e = read_entry(*st);
    if (!e) return e.error();
    out.push_back(std::move(*e));
  }
}

Status Catalog::ledger_intent(const std::string& story, const std::string& channel,
                              const std::string& item, const std::string& content_hash) {
  return ledger_change(db_, [&]() -> Status {
    if (Status s = run_statement(
            db_,
            "INSERT INTO publish_ledger (story, channel, item, state, content_hash, attempts, "
            "updated_at) VALUES (?1, ?2, ?3, 'intent', ?4, 1, ?5) "
            "ON CONFLICT (story, channel, item) DO UPDATE SET state = 'intent', "
            "content_hash = ?4, attempts = attempts + 1, error = '', updated_at = ?5",
            {story, channel, item, content_hash, now_utc_iso()});
        !s)
      return s;
    return log_event(db_, story, channel, item, "intent", content_hash);
  });
}

Status Catalog::ledger_done(const LedgerEntry& e) {
  return ledger_change(db_, [&]() -> Status {
    if (Status s = run_statement(
            db_,
            "INSERT INTO publish_ledger (story, channel, item, state, content_hash, remote_id, "
            "url, "
            "name, detail, attempts, updated_at) VALUES (?1, ?2, ?3, 'done', ?4, ?5, ?6, ?7, ?8, "
            "1, ?9) ON CONFLICT (story, channel, item) DO UPDATE SET state = 'done', "
            "content_hash = ?4, remote_id = ?5, url = ?6, name = ?7, detail = ?8, error = '', "
            "verified_at = NULL, findings_json = NULL, updated_at = ?9",
            {e.story, e.channel, e.item, e.content_hash, e.remote_id, e.url, e.name, e.detail,
             now_utc_iso()});
        !s)
      return s;
    return log_event(db_, e.story, e.channel, e.item, "done", e.remote_id + " " + e.url);
  });
}

Status Catalog::ledger_failed(const std::string& story, const std::string& channel,
                              const std::string& item, const std::string& error) {
  return ledger_change(db_, [&]() -> Status {
    // An item already done stays done (an update failed): only the error is noted.
    if (Status s = run_statement(
            db_,
            "INSERT INTO publish_ledger (story, channel, item, state, error, attempts, updated_at) "
            "VALUES (?1, ?2, ?3, 'failed', ?4, 1, ?5) ON CONFLICT (story, channel, item) DO "
            "UPDATE SET state = CASE WHEN state = 'done' THEN 'done' ELSE 'failed' END, "
            "error = ?4, updated_at = ?5",
            {story, channel, item, error, now_utc_iso()});
        !s)
      return s;
    return log_event(db_, story, channel, item, "failed", error);
  });
}

Status Catalog::ledger_verified(const std::string& story, const std::string& channel,
                                const std::string& item, const std::string& findings_json) {
  return ledger_change(db_, [&]() -> Status {
    if (Status s = run_statement(db_,
                                 "UPDATE publish_ledger SET verified_at = ?4, findings_json = ?5 "
                                 "WHERE story = ?1 AND channel = ?2 AND item = ?3",
                                 {story, channel, item, now_utc_iso(), findings_json});
        !s)
      return s;
    return log_event(db_, story, channel, item, "verified", findings_json);
  });
}

Result<std::vector<std::string>> Catalog::publish_log(const std::string& story) {
  Result<Statement> st = Statement::prepare(
      db_, "SELECT at, channel, item, event, detail FROM publish_log WHERE story = ? ORDER BY id");
  if (!st) return st.error();
  if (Status s = st->bind({story}); !s) return s.error();
  std::vector<std::string> out;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(st->text(0) + " " + st->text(1) + " " + st->text(2) + " " + st->text(3) +
                  (st->text(4).empty() ? "" : " " + st->text(4)));
  }
}

Result<std::optional<std::string>> Catalog::connector_state(const std::string& channel,
                                                            const std::string& key) {
  Result<Statement> st =
      Statement::prepare(db_, "SELECT value FROM connector_state WHERE channel = ? AND key = ?");
  if (!st) return st.error();
  if (Status s = st->bind({channel, key}); !s) return s.error();
  Result<bool> row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->text(0));
}

Status Catalog::set_connector_state(const std::string& channel, const std::string& key,
                                    const std::string& value) {
  if (value.empty())
    return run_statement(db_, "DELETE FROM connector_state WHERE channel = ? AND key = ?",
                         {channel, key});
  return run_statement(db_,
                       "INSERT INTO connector_state (channel, key, value, updated_at) "
                       "VALUES (?,?,?,?) ON CONFLICT (channel, key) DO UPDATE SET "
                       "value = excluded.value, updated_at = excluded.updated_at",
                       {channel, key, value, now_utc_iso()});
}

}  // namespace saluran
