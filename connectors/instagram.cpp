#include "connectors/instagram.hpp"

#include <fmt/format.h>

#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>
#include <utility>

#include "connectors/http/form.hpp"
#include "connectors/json_fields.hpp"

namespace saluran {
namespace {

using json = nlohmann::json;
using Params = http::FormFields;
using json_fields::dump;
using json_fields::num;
using json_fields::parse;
using json_fields::str;

// What every call needs: the channel, the token and the client, the options, the API root.
struct Graph {
  const ChannelConfig& channel;
  const ConnectorContext& context;
  const InstagramOptions& options;
  const std::string& root;

  std::string api(std::string_view path) const { return root + "/" + std::string(path); }
  std::string account_api(std::string_view path) const {
    return api(channel.account + std::string(path));
  }
};

// Graph API error answers this file explains itself; 429 and 5xx stay with the client.
const std::vector<long> kErrorAnswers = {400, 401, 403, 404};

// Graph error codes meaning "too many calls" (application, user, page, IG business use case).
bool rate_limit_code(long code) {
  return code == 4 || code == 17 || code == 32 || code == 613 || code == 80002;
}

// ---- errors: one line naming the channel and saying what to do ----

Error ig_error(const Graph& g, ErrorCode code, const std::string& text, std::string detail) {
  Error e =
      make_error(code, fmt::format("channel {}: {}", g.channel.name, text), {}, std::move(detail));
  e.context.channel = g.channel.name;
  return e;
}

std::string request_detail(const http::Request& req, long status, long code, long subcode) {
  std::string d = status > 0 ? fmt::format("HTTP {}", status) : std::string();
  if (code != 0) d += fmt::format(" code {}", code);
  if (subcode != 0) d += fmt::format("/{}", subcode);
  if (!d.empty()) d += ", ";
  return d + req.method + " " + http::redact_url(req.url);
}

std::string token_advice(const Graph& g, const std::string& message) {
  return fmt::format(
      "Instagram refused the access token ({}): make a new long-lived token for the account "
      "(with instagram_basic and instagram_content_publish) and store it with `saluran channels "
      "add {} --kind instagram --account {}`, then run again (nothing is sent twice)",
      message, g.channel.name, g.channel.account);
}

// The advice for an Instagram error that is about the content, by its documented subcode.
std::optional<std::string> content_advice(long subcode) {
  switch (subcode) {
    case 2207052:
    case 2207003:
      return "Instagram could not fetch the file from its public address: check that the "
             "address opens from outside the office network (public_via or public_base_url in "
             "channels.toml), then run again";
    case 2207009:
      return "the photo's aspect ratio is outside what Instagram accepts (4:5 to 1.91:1): "
             "use the instagram preset's rendition";
    case 2207004:
      return "the photo is larger than Instagram accepts (8 MB): use a smaller rendition";
    case 2207005:
    case 2207023:
    case 2207026:
      return "Instagram does not accept this file's format (photos must be JPEG, reels MP4 "
             "with the index at the front, 3 s to 15 min): use the instagram preset's rendition";
    case 2207010:
      return "the caption is too long or has too many hashtags (2,200 characters and 30 "
             "hashtags at most): shorten it in the story";
    case 2207042:
      return "the account reached Instagram's limit of posts published in 24 hours: run "
             "publish again tomorrow (nothing is sent twice)";
    case 2207051:
      return "Instagram refused the post as suspected spam or a duplicate of a recent post: "
             "change the caption or the photos, or wait before publishing it again";
    default:
      return std::nullopt;
  }
}

// The error for a Graph API error answer ({"error":{message, type, code, error_subcode}}).
Error answer_error(const Graph& g, const http::Request& req, long status, const json& body,
                   const std::string& doing) {
  const json err = body.is_object() && body.contains("error") ? body["error"] : json::object();
  const long code = num(err, "code");
  const long subcode = num(err, "error_subcode");
  std::string message = str(err, "error_user_msg");
  if (message.empty()) message = str(err, "message");
  if (message.empty()) message = fmt::format("HTTP {}", status);
  const std::string detail = request_detail(req, status, code, subcode);
  if (code == 190 || status == 401) {
    return ig_error(g, ErrorCode::kPermission, token_advice(g, message), detail);
  }
  if (auto advice = content_advice(subcode)) {
    const ErrorCode ec = subcode == 2207042 ? ErrorCode::kLimitExceeded
                         : subcode == 2207051 || subcode == 2207052 || subcode == 2207003
                             ? ErrorCode::kExternal
                             : ErrorCode::kInvalidArgument;
    return ig_error(g, ec, fmt::format("{} ({}: {})", *advice, doing, message), detail);
  }
  if (rate_limit_code(code)) {
    return ig_error(g, ErrorCode::kLimitExceeded,
                    fmt::format("Instagram's limit of API calls was reached while {} ({}): wait "
                                "an hour and run again (nothing is sent twice)",
                                doing, message),
                    detail);
  }
  if (code == 10 || code == 200 || status == 403) {
    return ig_error(g, ErrorCode::kPermission,
                    fmt::format("the token may not do this ({}: {}): give it the "
                                "instagram_content_publish permission for account {}",
                                doing, message, g.channel.account),
                    detail);
  }
  const ErrorCode ec = status == 404 ? ErrorCode::kNotFound : ErrorCode::kExternal;
  return ig_error(g, ec, fmt::format("Instagram refused {}: {}", doing, message), detail);
}

// The error for a call that got no usable answer (the client already retried what it could).
Error failure_error(const Graph& g, const http::Request& req, const Error& cause,
                    const std::string& doing) {
  const std::string detail =
      cause.context.detail + ", " + req.method + " " + http::redact_url(req.url);
  const std::string what = cause.code == ErrorCode::kIo ? "could not be reached or stopped "
                                                          "answering"
                                                        : "kept failing";
  return ig_error(g, cause.code,
                  fmt::format("the Instagram API {} {} while {} ({}): check the network and the "
                              "proxy, then run again (nothing is sent twice)",
                              g.root, what, doing, cause.message),
                  detail);
}

// ---- calls ----

http::Request graph_request(const Graph& g, std::string method, std::string url,
                            const Params& params) {
  http::Request req{.method = std::move(method), .url = std::move(url)};
  req.headers.set("Authorization", http::bearer_auth(g.context.secret));
  if (req.method == "GET") {
    if (!params.empty()) req.url += "?" + http::form_body(params);
  } else {
    req.headers.set("Content-Type", "application/x-www-form-urlencoded");
    req.body = http::form_body(params);
  }
  req.accepted_statuses = kErrorAnswers;
  return req;
}

// How long a rate-limit answer asks to wait before another try (none: do not try again).
std::optional<std::chrono::milliseconds> rate_wait(const Graph& g, const http::Response& r,
                                                   const json& body) {
  const json err = body.is_object() && body.contains("error") ? body["error"] : json::object();
  if (!rate_limit_code(num(err, "code"))) return std::nullopt;
  const auto asked = r.headers.get("Retry-After");
  if (!asked) return std::nullopt;
  const http::RetryPolicy& policy = g.context.client->options().retry;
  return http::parse_retry_after(*asked, std::chrono::system_clock::now(), policy.max_retry_after);
}

// The JSON of a successful answer; any other answer is an explained error. A rate-limit
// refusal that says when to come back (Retry-After) is tried again then.
Result<json> call(const Graph& g, const http::Request& req, const std::string& doing) {
  const int attempts = std::max(1, g.context.client->options().retry.max_attempts);
  for (int attempt = 1;; ++attempt) {
    Result<http::Response> r = g.context.client->send(req);
    if (!r) return failure_error(g, req, r.error(), doing);
    json body = json::parse(r->body, nullptr, false);
    if (r->status >= 200 && r->status < 300) {
      if (body.is_object()) return body;
      return ig_error(g, ErrorCode::kExternal,
                      fmt::format("the address {} does not answer like the Graph API while {}: "
                                  "check the channel's url",
                                  g.root, doing),
                      request_detail(req, r->status, 0, 0));
    }
    const auto wait = rate_wait(g, *r, body);
    if (!wait || !req.retry || attempt >= attempts) {
      return answer_error(g, req, r->status, body, doing);
    }
    std::this_thread::sleep_for(*wait);
  }
}

Result<json> get(const Graph& g, const std::string& url, const Params& params,
                 const std::string& doing) {
  return call(g, graph_request(g, "GET", url, params), doing);
}

// ---- containers ----

/// A container's processing state: IN_PROGRESS, FINISHED, ERROR, EXPIRED or PUBLISHED.
struct Container {
  std::string id;
  std::string status_code;
  std::string status;  ///< the text Instagram gives with ERROR
};

Result<Container> container_status(const Graph& g, const std::string& id) {
  Result<json> j = get(g, g.api(id), {{"fields", "id,status_code,status"}},
                       "reading the state of container " + id);
  if (!j) return j.error();
  return Container{id, str(*j, "status_code"), str(*j, "status")};
}

// Polls the container until it leaves IN_PROGRESS (at most max_polls more checks,
// poll_interval apart). ERROR is an error with Instagram's text; EXPIRED and PUBLISHED return.
Result<Container> wait_ready(const Graph& g, const std::string& id, const std::string& name) {
  for (int check = 0;; ++check) {
    Result<Container> c = container_status(g, id);
    if (!c) return c.error();
    if (c->status_code == "ERROR") {
      return ig_error(g, ErrorCode::kExternal,
                      fmt::format("Instagram could not process {}: {}: check the file against "
                                  "Instagram's limits (use the instagram preset's rendition); "
                                  "the next run makes a new container",
                                  name, c->status.empty() ? "no reason given" : c->status),
                      "container " + id + " status ERROR");
    }
    if (c->status_code != "IN_PROGRESS" && !c->status_code.empty()) return c;
    if (check >= g.options.max_polls) {
      return ig_error(g, ErrorCode::kExternal,
                      fmt::format("Instagram is still processing {} after {} checks: run publish "
                                  "again later (the same container is checked, nothing is sent "
                                  "twice)",
                                  name, check + 1),
                      "container " + id + " status IN_PROGRESS");
    }
    std::this_thread::sleep_for(g.options.poll_interval);
  }
}

// Params of one file's container: a photo, a reel, or a carousel item.
Params container_params(const ChannelPlan& plan, const std::string& kind, const std::string& url,
                        const std::string& alt) {
  const bool carousel = plan.media.size() >= 2;
  Params p;
  if (kind == "video") {
    p.emplace_back("media_type", carousel ? "VIDEO" : "REELS");
    p.emplace_back("video_url", url);
  } else {
    p.emplace_back("image_url", url);
    if (!alt.empty()) p.emplace_back("alt_text", alt);
  }
  if (carousel) {
    p.emplace_back("is_carousel_item", "true");
  } else {
    p.emplace_back("caption", plan.text.caption);
    if (kind == "video") p.emplace_back("share_to_feed", "true");
  }
  return p;
}

Result<std::string> create_container(const Graph& g, const Params& params,
                                     const std::string& name) {
  Result<json> j = call(g, graph_request(g, "POST", g.account_api("/media"), params),
                        "making the container of " + name);
  if (!j) return j.error();
  const std::string id = str(*j, "id");
  if (id.empty()) {
    return ig_error(g, ErrorCode::kExternal, "Instagram made a container without an id for " + name,
                    dump(*j));
  }
  return id;
}

RemoteItem media_item(const std::string& id, const std::string& url, const std::string& name,
                      const std::string& kind, const std::string& alt, bool carousel) {
  json detail = {{"kind", kind}, {"carousel", carousel}};
  if (!alt.empty()) detail["alt"] = alt;
  return RemoteItem{id, url, name, dump(detail)};
}

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Seconds since the epoch of a Graph timestamp ("2026-12-07T06:00:00+0000"); 0 when unreadable.
long long graph_time(const std::string& text) {
  std::tm tm{};
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<long long>(timegm(&tm));
}

// A post of the account published since `since` (seconds; 0: any time, less 5 minutes for
// clock differences) whose caption is `caption`, newest first, if any.
Result<std::optional<RemoteItem>> find_published(const Graph& g, const std::string& caption,
                                                 const std::string& slug, long long since) {
  Result<json> j = get(g, g.account_api("/media"),
                       {{"fields", "id,caption,permalink,timestamp"}, {"limit", "25"}},
                       "looking for the post an interrupted run published");
  if (!j) return j.error();
  const json& data = j->contains("data") ? (*j)["data"] : json::array();
  for (const json& m : data) {
    const long long at = graph_time(str(m, "timestamp"));
    if (since > 0 && at > 0 && at < since - 300) break;  // older than the kept container
    if (str(m, "caption") == caption) {
      return std::optional<RemoteItem>(RemoteItem{str(m, "id"), str(m, "permalink"), slug, ""});
    }
  }
  return std::optional<RemoteItem>();
}

Status check_publishing_limit(const Graph& g) {
  Result<json> j = get(g, g.account_api("/content_publishing_limit"),
                       {{"fields", "config,quota_usage"}}, "reading the publishing limit");
  if (!j) return j.error();
  const json& data = j->contains("data") ? (*j)["data"] : json::array();
  if (!data.is_array() || data.empty()) return Ok{};
  const long long used = num(data[0], "quota_usage");
  const json config = data[0].contains("config") ? data[0]["config"] : json::object();
  const long long total = num(config, "quota_total");
  if (total > 0 && used >= total) {
    return ig_error(g, ErrorCode::kLimitExceeded,
                    fmt::format("the account has published {} of the {} posts Instagram allows "
                                "in 24 hours: run publish again later (the post waits; nothing "
                                "is sent twice)",
                                used, total),
                    "content_publishing_limit");
  }
  return Ok{};
}

// The post's caption as Instagram shows it: the story's caption (the photos' own captions are
// not shown on Instagram).
const std::string& caption_of(const ChannelPlan& plan) { return plan.text.caption; }

// True for Graph's answer to an id that no longer exists (code 100, subcode 33) or a 404.
bool missing_object(const Error& e) {
  return e.code == ErrorCode::kNotFound ||
         e.context.detail.find(" code 100/33") != std::string::npos;
}

// The container of one uploaded file, ready to go into a post: a container that expired
// (not published within 24 hours) is made again from the file's public address.
Result<std::string> ready_item(const Graph& g, const ChannelPlan& plan, const RemoteItem& item) {
  Result<Container> c = wait_ready(g, item.id, item.name);
  if (!c) return c.error();
  if (c->status_code != "EXPIRED") return item.id;
  const json detail = parse(item.detail);
  Result<std::string> id = create_container(
      g, container_params(plan, str(detail, "kind"), item.url, str(detail, "alt")), item.name);
  if (!id) return id.error();
  Result<Container> again = wait_ready(g, *id, item.name);
  if (!again) return again.error();
  return *id;
}

// The container to publish: the single file's, or a new carousel parent of every file's.
Result<std::string> make_creation(const Graph& g, const ChannelPlan& plan,
                                  const std::vector<RemoteItem>& media) {
  if (media.empty() || media.size() > 10) {
    return ig_error(g, ErrorCode::kInvalidArgument,
                    fmt::format("an Instagram post holds 1 to 10 photos or videos, this one has "
                                "{}: choose fewer in the story",
                                media.size()),
                    "");
  }
  std::vector<std::string> ids;
  for (const RemoteItem& item : media) {
    Result<std::string> id = ready_item(g, plan, item);
    if (!id) return id.error();
    ids.push_back(*id);
  }
  if (ids.size() == 1) return ids.front();
  std::string children;
  for (const std::string& id : ids) children += (children.empty() ? "" : ",") + id;
  return create_container(
      g, {{"media_type", "CAROUSEL"}, {"children", children}, {"caption", caption_of(plan)}},
      "the carousel");
}

// What Instagram should show for this plan: media_type and media_product_type.
std::pair<std::string, std::string> expected_types(const ChannelPlan& plan) {
  if (plan.media.size() >= 2) return {"CAROUSEL_ALBUM", "FEED"};
  if (!plan.media.empty() && plan.media.front().kind == "video") return {"VIDEO", "REELS"};
  return {"IMAGE", "FEED"};
}

void compare(std::vector<Finding>& out, const std::string& what, const std::string& expected,
             const std::string& found) {
  if (expected != found) out.push_back({what, expected, found});
}

// The carousel's children against the files sent, in order.
void compare_children(std::vector<Finding>& out, const ChannelPlan& plan, const json& post) {
  const json children = post.contains("children") && post["children"].contains("data")
                            ? post["children"]["data"]
                            : json::array();
  compare(out, "carousel items", std::to_string(plan.media.size()),
          std::to_string(children.size()));
  for (std::size_t i = 0; i < plan.media.size() && i < children.size(); ++i) {
    compare(out, fmt::format("carousel item {} type", i + 1),
            plan.media[i].kind == "video" ? "VIDEO" : "IMAGE", str(children[i], "media_type"));
  }
}

}  // namespace

std::size_t InstagramConnector::hashtag_count(const std::string& caption) {
  std::size_t n = 0;
  for (std::size_t i = 0; i + 1 < caption.size(); ++i) {
    const bool start = i == 0 || std::isspace(static_cast<unsigned char>(caption[i - 1]));
    if (caption[i] == '#' && start && !std::isspace(static_cast<unsigned char>(caption[i + 1])))
      ++n;
  }
  return n;
}

InstagramConnector::InstagramConnector(const ChannelConfig& channel, ConnectorContext context,
                                       InstagramOptions options)
    : channel_(with_platform_defaults(channel)),
      context_(std::move(context)),
      options_(options),
      root_(channel_.url) {
  while (!root_.empty() && root_.back() == '/') root_.pop_back();
}

Status InstagramConnector::test() {
  const Graph g{channel_, context_, options_, root_};
  if (channel_.account.empty()) {
    return ig_error(g, ErrorCode::kInvalidArgument,
                    "no account: set account = \"<IG user id>\" in channels.toml (the Instagram "
                    "professional account's id, shown by the Graph API Explorer under "
                    "me/accounts?fields=instagram_business_account)",
                    "");
  }
  Result<json> me =
      get(g, g.api(channel_.account), {{"fields", "id,username"}}, "reading the account");
  if (!me) return me.error();
  return check_publishing_limit(g);
}

Result<std::optional<RemoteItem>> InstagramConnector::find_media(const PlannedMedia& media) {
  const Graph g{channel_, context_, options_, root_};
  const json kept = parse(load_state("container:" + media.upload_name));
  const std::string id = str(kept, "id");
  if (id.empty()) return std::optional<RemoteItem>();
  Result<Container> c = container_status(g, id);
  if (!c) return c.error();
  if (c->status_code != "FINISHED") return std::optional<RemoteItem>();  // upload_media goes on
  return std::optional<RemoteItem>(media_item(id, str(kept, "url"), media.upload_name, media.kind,
                                              media.alt, kept.value("carousel", false)));
}

Result<RemoteItem> InstagramConnector::upload_media(const ChannelPlan& plan,
                                                    const PlannedMedia& media) {
  const Graph g{channel_, context_, options_, root_};
  if (media.public_url.empty()) {
    return ig_error(g, ErrorCode::kInvalidArgument,
                    fmt::format("Instagram fetches every file from a public address and {} has "
                                "none: set public_via (the website channel that hosts the files) "
                                "or public_base_url in channels.toml",
                                media.file.filename().string()),
                    media.upload_name);
  }
  const std::string key = "container:" + media.upload_name;
  const bool carousel = plan.media.size() >= 2;
  std::string id = str(parse(load_state(key)), "id");
  for (int made = 0; made < 2; ++made) {
    if (id.empty()) {
      Result<std::string> created = create_container(
          g, container_params(plan, media.kind, media.public_url, media.alt), media.upload_name);
      if (!created) return created.error();
      id = *created;
      save_state(key, dump({{"id", id}, {"url", media.public_url}, {"carousel", carousel}}));
    }
    Result<Container> c = wait_ready(g, id, media.upload_name);
    if (!c) {
      if (c.error().context.detail.ends_with("ERROR")) save_state(key, "");
      return c.error();
    }
    if (c->status_code != "EXPIRED") {
      return media_item(id, media.public_url, media.upload_name, media.kind, media.alt, carousel);
    }
    id.clear();  // not published within 24 hours: make a new one
  }
  return ig_error(g, ErrorCode::kExternal,
                  "Instagram let the new container of " + media.upload_name + " expire at once",
                  "status EXPIRED");
}

Result<std::optional<RemoteItem>> InstagramConnector::find_post(const ChannelPlan& plan,
                                                                const std::string& slug) {
  const Graph g{channel_, context_, options_, root_};
  const std::string key = "post:" + slug;
  json kept = parse(load_state(key));
  if (const std::string id = str(kept, "media"); !id.empty()) {
    Result<json> m = get(g, g.api(id), {{"fields", "id,permalink"}}, "reading the post " + id);
    if (m) return std::optional<RemoteItem>(RemoteItem{id, str(*m, "permalink"), slug, ""});
    if (!missing_object(m.error())) return m.error();
    save_state(key, "");  // deleted on Instagram: the next post is a new one
    return std::optional<RemoteItem>();
  }
  const std::string creation = str(kept, "creation");
  if (creation.empty()) return std::optional<RemoteItem>();
  Result<Container> c = container_status(g, creation);
  if (!c) return c.error();
  if (c->status_code != "PUBLISHED") return std::optional<RemoteItem>();  // put_post publishes
  Result<std::optional<RemoteItem>> found =
      find_published(g, caption_of(plan), slug, num(kept, "made"));
  if (found && *found) {
    kept["media"] = (**found).id;
    save_state(key, dump(kept));
  }
  return found;
}

Result<RemoteItem> InstagramConnector::put_post(const ChannelPlan& plan, const std::string& slug,
                                                const std::vector<RemoteItem>& media,
                                                const std::optional<RemoteItem>& existing) {
  const Graph g{channel_, context_, options_, root_};
  if (existing) {
    Result<json> m = get(g, g.api(existing->id), {{"fields", "id,caption,permalink"}},
                         "reading the post " + existing->id);
    if (!m) return m.error();
    if (str(*m, "caption") == caption_of(plan)) return *existing;
    return ig_error(g, ErrorCode::kUnsupported,
                    fmt::format("Instagram posts cannot be edited through the API, so {} keeps "
                                "its caption: delete it in the Instagram app and run publish "
                                "again to post the new version",
                                existing->url.empty() ? existing->id : existing->url),
                    "");
  }
  const std::string key = "post:" + slug;
  std::string creation = str(parse(load_state(key)), "creation");
  for (int made = 0; made < 2; ++made) {
    if (creation.empty()) {
      Result<std::string> id = make_creation(g, plan, media);
      if (!id) return id.error();
      creation = *id;
      save_state(key, dump({{"creation", creation}, {"made", now_seconds()}}));
    }
    Result<Container> c = wait_ready(g, creation, "the post");
    if (!c) {
      if (c.error().context.detail.ends_with("ERROR")) save_state(key, "");
      return c.error();
    }
    if (c->status_code == "PUBLISHED") {
      Result<std::optional<RemoteItem>> found =
          find_published(g, caption_of(plan), slug, num(parse(load_state(key)), "made"));
      if (!found) return found.error();
      if (*found) return published(slug, creation, (**found).id, media);
    }
    if (c->status_code != "EXPIRED") return publish(plan, slug, creation, media);
    creation.clear();
  }
  return ig_error(g, ErrorCode::kExternal, "Instagram let the post's new container expire at once",
                  "status EXPIRED");
}

Result<RemoteItem> InstagramConnector::publish(const ChannelPlan& plan, const std::string& slug,
                                               const std::string& creation,
                                               const std::vector<RemoteItem>& media) {
  const Graph g{channel_, context_, options_, root_};
  if (Status s = check_publishing_limit(g); !s) return s.error();
  http::Request req =
      graph_request(g, "POST", g.account_api("/media_publish"), {{"creation_id", creation}});
  req.retry = false;  // a lost answer is reconciled below, never simply sent again
  Result<json> r = call(g, req, "publishing the post");
  if (!r) {
    Result<Container> c = container_status(g, creation);
    if (!c || c->status_code != "PUBLISHED") return r.error();
    const long long made = num(parse(load_state("post:" + slug)), "made");
    Result<std::optional<RemoteItem>> found = find_published(g, caption_of(plan), slug, made);
    if (!found || !*found) return r.error();
    return published(slug, creation, (**found).id, media);
  }
  const std::string id = str(*r, "id");
  if (id.empty()) {
    return ig_error(g, ErrorCode::kExternal, "Instagram published the post without an id",
                    dump(*r));
  }
  return published(slug, creation, id, media);
}

Result<RemoteItem> InstagramConnector::published(const std::string& slug,
                                                 const std::string& creation, const std::string& id,
                                                 const std::vector<RemoteItem>& media) {
  const Graph g{channel_, context_, options_, root_};
  save_state("post:" + slug, dump({{"creation", creation}, {"media", id}}));
  for (const RemoteItem& m : media) save_state("container:" + m.name, "");
  Result<json> j = get(g, g.api(id), {{"fields", "id,permalink"}}, "reading the new post " + id);
  const std::string permalink = j ? str(*j, "permalink") : std::string();
  return RemoteItem{id, permalink, slug, dump({{"creation", creation}})};
}

Result<std::vector<Finding>> InstagramConnector::verify(const ChannelPlan& plan,
                                                        const RemoteItem& post,
                                                        const std::vector<RemoteItem>&) {
  const Graph g{channel_, context_, options_, root_};
  Result<json> j = get(g, g.api(post.id),
                       {{"fields",
                         "id,caption,media_type,media_product_type,permalink,timestamp,media_url,"
                         "children{id,media_type}"}},
                       "reading the post back");
  if (!j) return j.error();
  std::vector<Finding> out;
  const auto [type, product] = expected_types(plan);
  compare(out, "id", post.id, str(*j, "id"));
  compare(out, "caption", caption_of(plan), str(*j, "caption"));
  compare(out, "media type", type, str(*j, "media_type"));
  compare(out, "product type", product, str(*j, "media_product_type"));
  if (type == "CAROUSEL_ALBUM") compare_children(out, plan, *j);
  if (str(*j, "permalink").empty()) {
    if (product == "REELS") {
      out.push_back({"reel", "published and viewable",
                     "Instagram is still processing the reel: `saluran verify` checks it again",
                     true});
    } else {
      out.push_back({"permalink", "a public address", "none"});
    }
  }
  if (str(*j, "timestamp").empty()) out.push_back({"timestamp", "the time it was published", ""});
  return out;
}

}  // namespace saluran
