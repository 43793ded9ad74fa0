// The publish stage: each channel's media and post sent once, framed by the ledger; then the
// post read back (verify). Channels run in parallel; the catalog is used under one mutex.

#include "pipeline/stages/publish.hpp"

#include <chrono>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codecs/content_hash.hpp"
#include "codecs/file_copy.hpp"
#include "pipeline/model/enum_names.hpp"
#include "pipeline/run/worker_pool.hpp"
#include "pipeline/stages/plan.hpp"

namespace saluran {
namespace {

constexpr const char* kPostItem = "post";

// A connector's kept state, in the catalog under the channel's name (serialised by the mutex).
class CatalogState final : public ConnectorState {
 public:
  CatalogState(Catalog* catalog, std::mutex& mutex, std::string channel)
      : catalog_(catalog), mutex_(mutex), channel_(std::move(channel)) {}
  std::string load(const std::string& key) override {
    std::lock_guard lock(mutex_);
    Result<std::optional<std::string>> v = catalog_->connector_state(channel_, key);
    return v && *v ? **v : std::string();
  }
  void save(const std::string& key, const std::string& value) override {
    std::lock_guard lock(mutex_);
    (void)catalog_->set_connector_state(channel_, key, value);
  }

 private:
  Catalog* catalog_;
  std::mutex& mutex_;
  std::string channel_;
};

// One channel's run: the plan, its connector, the shared ledger and the report being filled.
struct ChannelRun {
  const PublishRequest& req;
  ChannelPlan plan;  ///< a copy: the publish stage fills in the media's public addresses
  std::mutex& catalog_mutex;
  std::unique_ptr<Connector> conn;
  ChannelReport report;
  CatalogState state;
  /// An up-to-date post whose last read-back found nothing: publish does not read it again
  /// (`saluran verify` does).
  std::string verified_clean_at;

  const std::string& story() const { return req.plan->story.slug; }
  const std::string& channel() const { return plan.channel.name; }

  void event(const std::string& step, std::uint64_t sent = 0, std::uint64_t total = 0) const {
    if (req.on_event) req.on_event({channel(), step, sent, total});
  }

  template <class F>
  auto ledger(F&& f) {
    std::lock_guard lock(catalog_mutex);
    return f(*req.catalog);
  }

  // An error of this channel: says which channel and keeps the connector's words.
  Error channel_error(Error e) const {
    e.context.channel = channel();
    if (e.context.stage.empty()) e.context.stage = "publish";
    return e;
  }
};

RemoteItem remote_of(const LedgerEntry& e) { return {e.remote_id, e.url, e.name, e.detail}; }

LedgerEntry done_entry(const ChannelRun& run, const std::string& item, const std::string& hash,
                       const RemoteItem& remote) {
  LedgerEntry e;
  e.story = run.story();
  e.channel = run.channel();
  e.item = item;
  e.state = LedgerState::kDone;
  e.content_hash = hash;
  e.remote_id = remote.id;
  e.url = remote.url;
  e.name = remote.name;
  e.detail = remote.detail;
  return e;
}

// Records a failed remote call and returns the error for the report.
Error record_failure(ChannelRun& run, const std::string& item, Error e) {
  e = run.channel_error(std::move(e));
  (void)run.ledger(
      [&](Catalog& c) { return c.ledger_failed(run.story(), run.channel(), item, e.message); });
  return e;
}

// Sends one media item unless the ledger says it is there; after an interrupted attempt the
// remote is asked first.
Result<RemoteItem> send_media(ChannelRun& run, const PlannedMedia& m, MediaReport& out) {
  out.upload_name = m.upload_name;
  std::error_code ec;
  out.bytes = std::filesystem::file_size(m.file, ec);
  Result<std::string> hash = hash_file(m.file.string());
  if (!hash) return run.channel_error(hash.error());
  Result<std::optional<LedgerEntry>> entry = run.ledger(
      [&](Catalog& c) { return c.ledger_entry(run.story(), run.channel(), m.upload_name); });
  if (!entry) return run.channel_error(entry.error());
  if (*entry && (*entry)->state == LedgerState::kDone) {
    if ((*entry)->content_hash != *hash)
      run.report.notes.push_back(fmt::format(
          "{} changed since it was sent; the version sent before is kept", m.upload_name));
    return remote_of(**entry);
  }
  if (run.req.options.dry_run) return RemoteItem{"", "", m.upload_name, ""};
  if (Status s = run.ledger([&](Catalog& c) {
        return c.ledger_intent(run.story(), run.channel(), m.upload_name, *hash);
      });
      !s)
    return run.channel_error(s.error());
  if (*entry) {  // an earlier attempt may have reached the remote
    Result<std::optional<RemoteItem>> found = run.conn->find_media(m);
    if (!found) return record_failure(run, m.upload_name, found.error());
    if (*found) {
      out.reconciled = true;
      run.report.notes.push_back(fmt::format(
          "{} was already there from an interrupted run: not sent again", m.upload_name));
      RemoteItem remote = std::move(**found);
      if (Status s = run.ledger([&](Catalog& c) {
            return c.ledger_done(done_entry(run, m.upload_name, *hash, remote));
          });
          !s)
        return run.channel_error(s.error());
      return remote;
    }
  }
  run.event("upload " + m.upload_name, 0, out.bytes);
  Result<RemoteItem> sent = run.conn->upload_media(run.plan, m);
  if (!sent) return record_failure(run, m.upload_name, sent.error());
  out.sent = true;
  run.report.bytes_sent += out.bytes;
  if (Status s = run.ledger(
          [&](Catalog& c) { return c.ledger_done(done_entry(run, m.upload_name, *hash, *sent)); });
      !s)
    return run.channel_error(s.error());
  return sent;
}

// The post that an earlier attempt may have made (ledger intent) or that exists under the
// story's slug without the ledger knowing it.
Result<std::optional<RemoteItem>> existing_post(ChannelRun& run,
                                                const std::optional<LedgerEntry>& entry) {
  Result<std::optional<RemoteItem>> found = run.conn->find_post(run.plan, run.story());
  if (!found) return found.error();
  if (!*found || entry || run.req.options.update) {
    if (*found) run.report.notes.push_back("found the post an interrupted run made: updated it");
    return found;
  }
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("a post with the address '{}' already exists ({}) that this "
                                "library did not publish: give the story another slug, or run "
                                "with --update to take that post over",
                                run.story(), (*found)->url.empty() ? (*found)->id : (*found)->url));
}

// Creates or updates the post as the ledger and the options decide.
Status send_post(ChannelRun& run, const std::vector<RemoteItem>& media) {
  const std::string hash = post_content_hash(run.req.plan->story, run.plan, media);
  Result<std::optional<LedgerEntry>> entry =
      run.ledger([&](Catalog& c) { return c.ledger_entry(run.story(), run.channel(), kPostItem); });
  if (!entry) return run.channel_error(entry.error());
  const bool done = *entry && (*entry)->state == LedgerState::kDone;
  if (done) run.report.post = remote_of(**entry);
  if (done && (*entry)->content_hash == hash) {
    run.report.state = ChannelState::kUpToDate;
    if ((*entry)->findings_json == "[]") run.verified_clean_at = (*entry)->verified_at;
    return Ok{};
  }
  if (done && !run.req.options.update) {
    run.report.state = ChannelState::kChanged;
    run.report.notes.push_back(
        "the story changed since it was published: run again with --update to update the post");
    return Ok{};
  }
  if (run.req.options.dry_run) {
    run.report.state = ChannelState::kDryRun;
    return Ok{};
  }
  if (Status s = run.ledger(
          [&](Catalog& c) { return c.ledger_intent(run.story(), run.channel(), kPostItem, hash); });
      !s)
    return run.channel_error(s.error());
  std::optional<RemoteItem> existing;
  if (done) {
    existing = run.report.post;
  } else {
    Result<std::optional<RemoteItem>> found = existing_post(run, *entry);
    if (!found) return record_failure(run, kPostItem, found.error());
    existing = *found;
  }
  run.event("post");
  Result<RemoteItem> post = run.conn->put_post(run.plan, run.story(), media, existing);
  if (!post) return record_failure(run, kPostItem, post.error());
  run.report.post = *post;
  run.report.state = existing ? ChannelState::kUpdated : ChannelState::kPublished;
  return run.ledger(
      [&](Catalog& c) { return c.ledger_done(done_entry(run, kPostItem, hash, *post)); });
}

std::string findings_json(const std::vector<Finding>& findings) {
  nlohmann::json a = nlohmann::json::array();
  for (const Finding& f : findings)
    a.push_back(
        {{"what", f.what}, {"expected", f.expected}, {"found", f.found}, {"pending", f.pending}});
  return a.dump();
}

// Reads the post back; the findings go to the report and the ledger.
void verify_post(ChannelRun& run, const std::vector<RemoteItem>& media) {
  run.event("verify");
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<Finding>> findings = run.conn->verify(run.plan, run.report.post, media);
  if (!findings) {
    run.report.findings.push_back(
        {"verify", "the post read back", "could not read it: " + findings.error().message});
  } else {
    run.report.findings = std::move(*findings);
  }
  run.report.verified = true;
  run.report.verify_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  (void)run.ledger([&](Catalog& c) {
    return c.ledger_verified(run.story(), run.channel(), kPostItem,
                             findings_json(run.report.findings));
  });
}

// Blocking problems of the story or of this channel: the channel is not sent.
bool blocked(ChannelRun& run) {
  const ChannelPlan& plan = run.plan;
  for (const std::vector<PlanProblem>* list : {&run.req.plan->problems, &plan.problems}) {
    for (const PlanProblem& p : *list) {
      if (!p.blocking) continue;
      run.report.state = ChannelState::kBlocked;
      run.report.notes.push_back(p.message);
    }
  }
  return run.report.state == ChannelState::kBlocked;
}

// Creates the channel's connector; false (and the report filled) when it cannot be made.
bool connect(ChannelRun& run) {
  Result<std::unique_ptr<Connector>> conn = run.req.connectors(run.plan.channel);
  if (!conn) {
    run.report.state = ChannelState::kFailed;
    run.report.error = run.channel_error(conn.error());
    return false;
  }
  run.conn = std::move(*conn);
  run.conn->set_state(&run.state);
  return true;
}

// The publish hook of a post made or updated now; an up-to-date post was announced before.
void run_hooks(ChannelRun& run, const std::vector<RemoteItem>& media) {
  const ChannelConfig& ch = run.plan.channel;
  if (ch.on_published.empty() && ch.webhook_url.empty()) return;
  if (run.report.state != ChannelState::kPublished && run.report.state != ChannelState::kUpdated)
    return;
  run.event("hook");
  PublishedEvent e;
  e.story_slug = run.story();
  e.story_title = run.req.plan->story.title;
  e.channel = ch;
  e.post = run.report.post;
  e.media = media;
  e.verified = run.report.verified;
  e.findings = run.report.findings;
  HookOptions options;
  options.client = run.req.client;
  for (const ChannelPlan& other : run.req.plan->channels) {
    if (!other.channel.secret_env.empty()) options.secret_env.push_back(other.channel.secret_env);
    if (!other.channel.webhook_secret_env.empty())
      options.secret_env.push_back(other.channel.webhook_secret_env);
  }
  HookReport report = run_publish_hooks(ch, published_json(e), options);
  for (const std::string& f : report.failures()) run.report.notes.push_back(f);
  run.report.hooks = std::move(report.outcomes);
}

// The public address of each file the platform fetches (Instagram): the media host channel's
// upload of it, framed by the ledger under the host's name like any upload, so it is sent once.
Status host_media(ChannelRun& run) {
  if (!run.plan.media_host) return Ok{};
  ChannelPlan host_plan;
  host_plan.channel = *run.plan.media_host;
  ChannelRun host{
      run.req, host_plan, run.catalog_mutex,
      nullptr, {},        CatalogState(run.req.catalog, run.catalog_mutex, host_plan.channel.name),
      {}};
  if (!connect(host)) return *host.report.error;
  for (PlannedMedia& m : run.plan.media) {
    if (!m.public_url.empty()) continue;
    MediaReport out;
    Result<RemoteItem> r = send_media(host, m, out);
    if (!r) return r.error();
    m.public_url = r->url;
    if (out.sent)
      run.report.notes.push_back(fmt::format("{} put on {} for the platform to fetch: {}",
                                             m.upload_name, host_plan.channel.name, r->url));
  }
  return Ok{};
}

void publish_channel(ChannelRun& run) {
  if (blocked(run) || !connect(run)) return;
  if (Status s = host_media(run); !s) {
    run.report.state = ChannelState::kFailed;
    run.report.error = run.channel_error(s.error());
    return;
  }
  std::vector<RemoteItem> remotes;
  for (const PlannedMedia& m : run.plan.media) {
    MediaReport out;
    Result<RemoteItem> r = send_media(run, m, out);
    run.report.media.push_back(out);
    if (!r) {
      run.report.state = ChannelState::kFailed;
      run.report.error = r.error();
      return;
    }
    run.report.media.back().remote = *r;
    remotes.push_back(std::move(*r));
  }
  if (Status s = send_post(run, remotes); !s) {
    run.report.state = ChannelState::kFailed;
    run.report.error = s.error();
    return;
  }
  const ChannelState st = run.report.state;
  if (!run.verified_clean_at.empty()) {
    run.report.verified = true;
    run.report.notes.push_back(fmt::format(
        "nothing changed since it was sent and read back ({} UTC); run saluran verify to read "
        "it back again",
        run.verified_clean_at));
  } else if (run.req.options.verify && !run.req.options.dry_run && st != ChannelState::kChanged) {
    verify_post(run, remotes);
  }
  if (!run.req.options.dry_run) run_hooks(run, remotes);
  run.event("done");
}

// The remote items the ledger holds for the plan's media, in the plan's order.
Status ledger_remotes(ChannelRun& run, std::vector<RemoteItem>& remotes) {
  for (const PlannedMedia& m : run.plan.media) {
    Result<std::optional<LedgerEntry>> e = run.ledger(
        [&](Catalog& c) { return c.ledger_entry(run.story(), run.channel(), m.upload_name); });
    if (!e) return e.error();
    if (!*e || (*e)->state != LedgerState::kDone)
      return make_error(ErrorCode::kNotFound,
                        fmt::format("{} was never sent to {}: publish the story first",
                                    m.upload_name, run.channel()));
    remotes.push_back(remote_of(**e));
  }
  return Ok{};
}

void verify_channel(ChannelRun& run) {
  Result<std::optional<LedgerEntry>> post =
      run.ledger([&](Catalog& c) { return c.ledger_entry(run.story(), run.channel(), kPostItem); });
  std::vector<RemoteItem> remotes;
  Status media = post ? ledger_remotes(run, remotes) : Status(post.error());
  if (!media) {
    run.report.state = ChannelState::kFailed;
    run.report.error = run.channel_error(media.error());
    return;
  }
  if (!*post || (*post)->state != LedgerState::kDone) {
    run.report.state = ChannelState::kFailed;
    run.report.error = run.channel_error(make_error(
        ErrorCode::kNotFound,
        fmt::format("the story was never published to {}: run saluran publish", run.channel())));
    return;
  }
  if (!connect(run)) return;
  run.report.post = remote_of(**post);
  run.report.state = ChannelState::kUpToDate;
  verify_post(run, remotes);
}

// Runs `step` for the channels at `indices` in parallel, each report into its slot.
void run_some(const PublishRequest& request, const std::vector<ChannelPlan>& plans,
              const std::vector<std::size_t>& indices, void (*step)(ChannelRun&),
              std::mutex& catalog_mutex, PublishResult& result) {
  parallel_for(
      indices.size(), static_cast<int>(std::max<std::size_t>(indices.size(), 1)),
      [&](std::size_t k) {
        const std::size_t i = indices[k];
        const auto start = std::chrono::steady_clock::now();
        ChannelRun run{
            request, plans[i], catalog_mutex,
            nullptr, {},       CatalogState(request.catalog, catalog_mutex, plans[i].channel.name),
            {}};
        run.report.channel = plans[i].channel.name;
        run.report.kind = plans[i].channel.kind;
        step(run);
        run.report.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.channels[i] = std::move(run.report);
      });
}

bool is_website(ChannelKind kind) {
  return kind == ChannelKind::kWordPress || kind == ChannelKind::kFolder;
}

// The website's post address, from the first website channel that has one.
std::string website_link(const PublishResult& result) {
  for (const ChannelReport& c : result.channels) {
    if (is_website(c.kind) && !c.post.url.empty()) return c.post.url;
  }
  return {};
}

void replace_all(std::string& text, std::string_view what, const std::string& with) {
  for (std::size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + with.size()))
    text.replace(at, what.size(), with);
}

// Websites first, so the other channels' captions can carry the post's address in place of
// the plan's link placeholder.
PublishResult run_channels(const PublishRequest& request, void (*step)(ChannelRun&)) {
  PublishResult result;
  const std::vector<ChannelPlan>& plans = request.plan->channels;
  result.channels.resize(plans.size());
  std::vector<std::size_t> websites, others;
  for (std::size_t i = 0; i < plans.size(); ++i)
    (is_website(plans[i].channel.kind) ? websites : others).push_back(i);
  std::mutex catalog_mutex;
  run_some(request, plans, websites, step, catalog_mutex, result);
  std::vector<ChannelPlan> linked = plans;
  const std::string link = website_link(result);
  for (ChannelPlan& p : linked) {
    replace_all(p.text.caption, kLinkPlaceholder, link);
    replace_all(p.text.body, kLinkPlaceholder, link);
  }
  run_some(request, linked, others, step, catalog_mutex, result);
  return result;
}

}  // namespace

const char* channel_state_name(ChannelState state) {
  switch (state) {
    case ChannelState::kPublished:
      return "published";
    case ChannelState::kUpdated:
      return "updated";
    case ChannelState::kUpToDate:
      return "up-to-date";
    case ChannelState::kChanged:
      return "changed";
    case ChannelState::kDryRun:
      return "dry-run";
    case ChannelState::kBlocked:
      return "blocked";
    case ChannelState::kFailed:
      return "failed";
  }
  return "failed";
}

bool PublishResult::all_good() const {
  for (const ChannelReport& c : channels) {
    switch (c.state) {
      case ChannelState::kPublished:
      case ChannelState::kUpdated:
      case ChannelState::kUpToDate:
      case ChannelState::kDryRun:
        for (const Finding& f : c.findings)
          if (!f.pending) return false;
        for (const HookOutcome& h : c.hooks)
          if (!h.ok) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

std::string post_content_hash(const Story& story, const ChannelPlan& plan,
                              const std::vector<RemoteItem>& media) {
  const PostText& t = plan.text;
  nlohmann::json j = {{"title", t.title},
                      {"body", t.body},
                      {"caption", t.caption},
                      {"excerpt", t.excerpt},
                      {"tags", t.tags},
                      {"category", t.category},
                      {"status", post_status_name(story.status)},
                      {"schedule", story.schedule},
                      {"media", nlohmann::json::array()}};
  for (const RemoteItem& m : media) j["media"].push_back(m.id);
  return hash64_hex(j.dump());
}

PublishResult publish(const PublishRequest& request) {
  return run_channels(request, &publish_channel);
}

PublishResult verify_published(const PublishRequest& request) {
  return run_channels(request, &verify_channel);
}

}  // namespace saluran
