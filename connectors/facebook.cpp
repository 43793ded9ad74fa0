// FacebookConnector: photos, the feed post, find and verify (videos: facebook_video.cpp).

#include "connectors/facebook.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <system_error>

#include "connectors/facebook_graph.hpp"

namespace saluran {
namespace {

using namespace facebook;  // NOLINT(google-build-using-namespace): the connector's own helpers
namespace fs = std::filesystem;

std::string media_key(const PlannedMedia& m) { return "upload:" + m.upload_name; }
std::string post_key(const std::string& slug) { return "post:" + slug; }

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The index of the plan's video (the post when there is one), or -1.
int video_index(const ChannelPlan& plan) {
  for (std::size_t i = 0; i < plan.media.size(); ++i)
    if (plan.media[i].kind == "video") return static_cast<int>(i);
  return -1;
}

// Whether an answer says the object is gone (deleted, or never there).
bool gone(const Answer& a) {
  const json& e = a.body.value("error", json::object());
  return a.status == 404 || (a.status == 400 && num(e, "code") == 100);
}

std::string permalink(const json& j) {
  std::string link = str(j, "permalink_url");
  if (!link.empty() && link.front() == '/') link = "https://www.facebook.com" + link;
  return link;
}

RemoteItem feed_item(const json& post, const std::string& slug) {
  return RemoteItem{str(post, "id"), permalink(post), slug, dump({{"kind", "feed"}})};
}

// The post's status fields: published now, later (scheduled_publish_time) or not (draft).
Result<Fields> status_fields(const Graph& g, const ChannelPlan& plan) {
  if (plan.status == PostStatus::kPublish) return Fields{{"published", "true"}};
  if (plan.status == PostStatus::kDraft) return Fields{{"published", "false"}};
  const std::optional<long long> when = FacebookConnector::unix_time(plan.schedule);
  if (!when)
    return g.fail(ErrorCode::kInvalidArgument,
                  "the story's schedule \"" + plan.schedule + "\" is not an ISO 8601 time");
  return Fields{{"published", "false"}, {"scheduled_publish_time", std::to_string(*when)}};
}

// The feed post with the photos attached; the attempt is kept first so a lost answer is found.
Result<RemoteItem> make_feed_post(const Graph& g, const ChannelPlan& plan, const std::string& slug,
                                  const std::vector<RemoteItem>& media,
                                  const std::function<void(const json&)>& keep) {
  Result<Fields> fields = status_fields(g, plan);
  if (!fields) return fields.error();
  fields->emplace(fields->begin(), "message", FacebookConnector::message_of(plan));
  int n = 0;
  for (std::size_t i = 0; i < plan.media.size() && i < media.size(); ++i) {
    if (plan.media[i].kind != "photo") continue;
    fields->emplace_back(fmt::format("attached_media[{}]", n++),
                         dump({{"media_fbid", media[i].id}}));
  }
  keep({{"kind", "feed"}, {"sending", now_seconds()}});
  Result<json> made = g.create(g.form(g.api("/" + g.channel.account + "/feed"), *fields),
                               "making the post " + slug);
  if (!made) return made.error();
  const std::string id = str(*made, "id");
  keep({{"kind", "feed"}, {"id", id}});
  Result<json> read = g.call(g.request("GET", g.api("/" + id + "?fields=id,permalink_url")),
                             "reading the address of the post " + slug);
  return feed_item(read ? *read : json{{"id", id}}, slug);
}

// A post made by an interrupted create, among the Page's posts since the attempt began.
Result<std::optional<RemoteItem>> search_posts(const Graph& g, const ChannelPlan& plan,
                                               const std::string& slug, long long since) {
  const std::string edge =
      plan.status == PostStatus::kPublish ? "/published_posts" : "/scheduled_posts";
  Result<json> list = g.call(
      g.request("GET", g.api("/" + g.channel.account + edge +
                             "?fields=id,message,created_time,permalink_url&limit=100&since=" +
                             std::to_string(since - 600))),
      "looking for the post " + slug);
  if (!list) return list.error();
  const std::string message = FacebookConnector::message_of(plan);
  for (const json& post : (*list).value("data", json::array()))
    if (str(post, "message") == message) return std::optional(feed_item(post, slug));
  return std::optional<RemoteItem>();
}

// A video whose finish may have gone through: its description is the post's message.
Result<std::optional<RemoteItem>> find_finished_video(const Graph& g, const ChannelPlan& plan,
                                                      const json& kept, const std::string& slug) {
  const std::string id = str(kept, "video_id");
  const http::Request req =
      g.request("GET", g.api("/" + id + "?fields=id,description,permalink_url"));
  Result<Answer> a = g.exchange(req, "looking for the video post " + slug);
  if (!a) return a.error();
  if (gone(*a)) return std::optional<RemoteItem>();
  if (a->status != 200) return g.error(req, *a, "looking for the video post " + slug);
  if (str(a->body, "description") != FacebookConnector::message_of(plan))
    return std::optional<RemoteItem>();
  std::string link = permalink(a->body);
  if (link.empty()) link = "https://www.facebook.com/" + id;
  return std::optional(RemoteItem{id, link, slug, dump({{"kind", str(kept, "kind")}})});
}

void expect(std::vector<Finding>& out, bool ok, std::string what, std::string expected,
            std::string found) {
  if (!ok) out.push_back({std::move(what), std::move(expected), std::move(found)});
}

// The photo ids a post's attachments hold (one photo, or an album's subattachments).
std::set<std::string> attached_ids(const json& post) {
  std::set<std::string> ids;
  for (const json& a : post.value("attachments", json::object()).value("data", json::array())) {
    const json& subs = a.value("subattachments", json::object());
    for (const json& s : subs.value("data", json::array()))
      ids.insert(str(s.value("target", json::object()), "id"));
    if (!subs.contains("data")) ids.insert(str(a.value("target", json::object()), "id"));
  }
  ids.erase("");
  return ids;
}

Status verify_feed(const Graph& g, const ChannelPlan& plan, const RemoteItem& post,
                   const std::vector<RemoteItem>& media, std::vector<Finding>& out) {
  const http::Request req = g.request(
      "GET", g.api("/" + post.id +
                   "?fields=message,permalink_url,is_published,created_time,scheduled_publish_"
                   "time,attachments%7Bmedia_type%2Ctarget%2Csubattachments%7D"));
  Result<Answer> a = g.exchange(req, "reading back the post " + post.name);
  if (!a) return a.error();
  if (gone(*a)) {
    out.push_back({"post", "post " + post.id, "gone from the Page (deleted)"});
    return Ok{};
  }
  if (a->status != 200) return g.error(req, *a, "reading back the post " + post.name);
  const json& got = a->body;
  const std::string message = FacebookConnector::message_of(plan);
  expect(out, str(got, "message") == message, "message", message, str(got, "message"));
  const bool published = got.value("is_published", false);
  const bool want = plan.status == PostStatus::kPublish;
  expect(out, published == want, "published", want ? "yes" : "no (draft or scheduled)",
         published ? "yes" : "no");
  expect(out, !permalink(got).empty(), "address", "a permalink_url", "none");
  std::set<std::string> sent;
  for (std::size_t i = 0; i < plan.media.size() && i < media.size(); ++i)
    if (plan.media[i].kind == "photo") sent.insert(media[i].id);
  const std::set<std::string> shown = attached_ids(got);
  expect(
      out, shown == sent, "photos", fmt::format("{} photos attached", sent.size()),
      fmt::format("{} attached{}", shown.size(), shown.size() == sent.size() ? " (others)" : ""));
  return Ok{};
}

Status verify_video(const Graph& g, const ChannelPlan& plan, const RemoteItem& post,
                    std::vector<Finding>& out) {
  const http::Request req =
      g.request("GET", g.api("/" + post.id + "?fields=description,permalink_url,published,status"));
  Result<Answer> a = g.exchange(req, "reading back the video " + post.name);
  if (!a) return a.error();
  if (gone(*a)) {
    out.push_back({"video", "video " + post.id, "gone from the Page (deleted)"});
    return Ok{};
  }
  if (a->status != 200) return g.error(req, *a, "reading back the video " + post.name);
  const json& got = a->body;
  const std::string message = FacebookConnector::message_of(plan);
  expect(out, str(got, "description") == message, "message", message, str(got, "description"));
  const std::string state = str(got.value("status", json::object()), "video_status");
  if (state == "processing" || state == "upload_complete") {
    out.push_back({"video", "ready", "still processing on Facebook", true});
    return Ok{};
  }
  expect(out, state == "ready", "video", "ready", state.empty() ? "no status" : state);
  const bool published = got.value("published", false);
  const bool want = plan.status == PostStatus::kPublish;
  expect(out, published == want, "published", want ? "yes" : "no (draft or scheduled)",
         published ? "yes" : "no");
  return Ok{};
}

}  // namespace

FacebookConnector::FacebookConnector(const ChannelConfig& channel, ConnectorContext context)
    : channel_(with_platform_defaults(channel)), context_(std::move(context)) {}

std::string FacebookConnector::message_of(const ChannelPlan& plan) {
  if (!plan.text.caption.empty()) return plan.text.caption;
  if (plan.text.body.empty()) return plan.text.title;
  return plan.text.title.empty() ? plan.text.body : plan.text.title + "\n\n" + plan.text.body;
}

std::optional<long long> FacebookConnector::unix_time(const std::string& iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, n = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5)
    return std::nullopt;
  std::string rest = iso.substr(static_cast<std::size_t>(n));
  if (rest.size() >= 3 && rest[0] == ':') {
    s = std::atoi(rest.substr(1, 2).c_str());
    rest = rest.substr(3);
  }
  long long offset = 0;
  if (rest == "Z" || rest == "z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    offset = (std::atoi(rest.substr(1, 2).c_str()) * 60 + std::atoi(rest.substr(4, 2).c_str())) *
             60 * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  // Days from 1970-01-01 to the civil date (H. Hinnant's days_from_civil).
  const int yy = y - (mo <= 2);
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long long days = static_cast<long long>(era) * 146097 + doe - 719468;
  return days * 86400 + h * 3600 + mi * 60 + s - offset;
}

Status FacebookConnector::test() {
  const Graph g{channel_, context_};
  http::Request req = g.request("GET", g.api("/me?fields=id,name"));
  req.retry = false;
  Result<json> me = g.call(req, "logging in");
  if (!me) return me.error();
  if (str(*me, "id") != channel_.account)
    return g.fail(ErrorCode::kPermission,
                  fmt::format("the token belongs to \"{}\" ({}), not to Page {}: make a Page "
                              "access token for Page {} (not a user token) and store it as the "
                              "channel's secret",
                              str(*me, "name"), str(*me, "id"), channel_.account, channel_.account),
                  "GET /me");
  return Ok{};
}

Result<std::optional<RemoteItem>> FacebookConnector::find_media(const PlannedMedia& media) {
  const Graph g{channel_, context_};
  const json kept = parse(load_state(media_key(media)));
  if (media.kind == "video") {
    // A finished byte upload is found; an unfinished one is resumed by upload_media.
    if (!kept.value("uploaded", false)) return std::optional<RemoteItem>();
    Result<std::pair<std::uint64_t, bool>> got = uploaded_bytes(g, str(kept, "video_id"));
    if (!got) return got.error();
    if (!got->second) return std::optional<RemoteItem>();
    json detail = {{"kind", str(kept, "kind")}};
    if (kept.contains("session")) detail["session"] = kept["session"];
    return std::optional(RemoteItem{str(kept, "video_id"), "", media.upload_name, dump(detail)});
  }
  const std::string id = str(kept, "id");
  if (id.empty()) return std::optional<RemoteItem>();
  const http::Request req = g.request("GET", g.api("/" + id + "?fields=id"));
  Result<Answer> a = g.exchange(req, "looking for photo " + id);
  if (!a) return a.error();
  if (gone(*a)) return std::optional<RemoteItem>();
  if (a->status != 200) return g.error(req, *a, "looking for photo " + id);
  return std::optional(RemoteItem{id, "", media.upload_name, dump({{"kind", "photo"}})});
}

Result<RemoteItem> FacebookConnector::upload_media(const ChannelPlan& plan,
                                                   const PlannedMedia& media) {
  const Graph g{channel_, context_};
  json kept = parse(load_state(media_key(media)));
  const auto keep = [&](const json& state) { save_state(media_key(media), dump(state)); };
  if (media.kind == "video")
    return is_reel(media) ? upload_reel(g, media, kept, keep) : upload_video(g, media, kept, keep);
  std::error_code ec;
  const std::uint64_t size = fs::file_size(media.file, ec);
  if (ec || media.kind != "photo")
    return g.fail(ec ? ErrorCode::kNotFound : ErrorCode::kUnsupported,
                  ec ? fmt::format("the file {} to upload is missing: make the renditions again "
                                   "with `saluran render`",
                                   media.file.string())
                     : "a Facebook Page takes photos and videos, not " + media.kind,
                  media.upload_name);
  Fields fields = {{"published", "false"}};
  // A scheduled post's photos must be temporary (Graph: unpublished photos for later posts).
  if (plan.status == PostStatus::kScheduled) fields.emplace_back("temporary", "true");
  if (!media.alt.empty()) fields.emplace_back("alt_text_custom", media.alt);
  const std::string ext = media.file.extension().string();
  const std::string type = ext == ".png" ? "image/png" : "image/jpeg";
  Result<http::Request> req = g.multipart(g.api("/" + channel_.account + "/photos"), fields,
                                          {"source", media.file, 0, size, media.upload_name, type});
  if (!req) return req.error();
  Result<json> made = g.create(std::move(*req), "uploading the photo " + media.upload_name);
  if (!made) return made.error();
  if (context_.progress) context_.progress(size, size);
  const std::string id = str(*made, "id");
  keep({{"kind", "photo"}, {"id", id}});
  return RemoteItem{id, "", media.upload_name, dump({{"kind", "photo"}})};
}

Result<std::optional<RemoteItem>> FacebookConnector::find_post(const ChannelPlan& plan,
                                                               const std::string& slug) {
  const Graph g{channel_, context_};
  const json kept = parse(load_state(post_key(slug)));
  if (kept.contains("video_id")) return find_finished_video(g, plan, kept, slug);
  const std::string id = str(kept, "id");
  if (id.empty()) {
    if (!kept.contains("sending")) return std::optional<RemoteItem>();
    return search_posts(g, plan, slug, num(kept, "sending"));
  }
  const http::Request req = g.request("GET", g.api("/" + id + "?fields=id,permalink_url"));
  Result<Answer> a = g.exchange(req, "looking for the post " + slug);
  if (!a) return a.error();
  if (gone(*a)) return std::optional<RemoteItem>();
  if (a->status != 200) return g.error(req, *a, "looking for the post " + slug);
  return std::optional(feed_item(a->body, slug));
}

Result<RemoteItem> FacebookConnector::put_post(const ChannelPlan& plan, const std::string& slug,
                                               const std::vector<RemoteItem>& media,
                                               const std::optional<RemoteItem>& existing) {
  const Graph g{channel_, context_};
  const auto keep = [&](const json& state) { save_state(post_key(slug), dump(state)); };
  const int video = video_index(plan);
  if (media.size() != plan.media.size())
    return g.fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} media items for {} planned", media.size(), plan.media.size()));
  if (existing) {  // an update says the text again: harmless to repeat, so the client retries
    const bool is_video = str(parse(existing->detail), "kind") != "feed";
    Fields fields = {{is_video ? "description" : "message", message_of(plan)}};
    if (is_video && !plan.text.title.empty()) fields.emplace_back("title", plan.text.title);
    Result<json> r = g.call(g.form(g.api("/" + existing->id), fields), "updating the post " + slug);
    if (!r) return r.error();
    return *existing;
  }
  if (video < 0) return make_feed_post(g, plan, slug, media, keep);
  const RemoteItem& clip = media[static_cast<std::size_t>(video)];
  keep({{"kind", str(parse(clip.detail), "kind")}, {"video_id", clip.id}});
  Result<RemoteItem> post = finish_video(g, plan, clip, message_of(plan));
  if (!post) return post.error();
  post->name = slug;
  save_state(media_key(plan.media[static_cast<std::size_t>(video)]), "");
  return post;
}

Result<std::vector<Finding>> FacebookConnector::verify(const ChannelPlan& plan,
                                                       const RemoteItem& post,
                                                       const std::vector<RemoteItem>& media) {
  const Graph g{channel_, context_};
  std::vector<Finding> out;
  const std::string kind = str(parse(post.detail), "kind");
  Status s = kind == "video" || kind == "reel" ? verify_video(g, plan, post, out)
                                               : verify_feed(g, plan, post, media, out);
  if (!s) return s.error();
  return out;
}

}  // namespace saluran
