#include "connectors/icecast.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>
#include <tuple>
#include <utility>

#include "codecs/av/av_probe.hpp"
#include "connectors/http/form.hpp"
#include "connectors/icecast_live.hpp"

namespace saluran {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// http://HOST:PORT/MOUNT -> {"http://HOST:PORT", "/MOUNT"}; an empty mount is a problem.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  const std::size_t slash = url.find('/', scheme + 3);
  if (slash == std::string::npos) return {url, ""};
  std::string mount = url.substr(slash);
  if (const std::size_t q = mount.find_first_of("?#"); q != std::string::npos) mount.resize(q);
  return {url.substr(0, slash), mount == "/" ? "" : mount};
}

// A header value from free text: control characters (a line break would end the header)
// become spaces.
std::string header_text(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return text;
}

// Bytes per second of the clip's sound (its size over its duration) and its duration.
struct ClipRate {
  double seconds = 0;
  double bytes_per_second = 0;
  std::uint64_t size_bytes = 0;
};

Result<ClipRate> clip_rate(const PlannedMedia& media) {
  Result<MediaInfo> info = probe_av(media.file.string(), InputLimits{});
  if (!info) return info.error();
  if (!info->audio || !info->duration_s || *info->duration_s <= 0) {
    return make_error(ErrorCode::kUnsupported, "the clip has no sound of a known length",
                      media.file.string(), "icecast");
  }
  return ClipRate{*info->duration_s, static_cast<double>(info->size_bytes) / *info->duration_s,
                  info->size_bytes};
}

}  // namespace

IcecastConnector::IcecastConnector(ChannelConfig channel, ConnectorContext context,
                                   IcecastOptions options)
    : channel_(std::move(channel)), context_(std::move(context)), options_(options) {
  std::tie(base_, mount_) = split_url(channel_.url);
  const std::string scheme = lower(channel_.url.substr(0, channel_.url.find("://") + 3));
  if (base_.empty() || (scheme != "http://" && scheme != "https://")) {
    url_problem_ =
        "its url must be http://HOST:PORT/MOUNT, e.g. http://radio.example:8000/berita.mp3";
  } else if (mount_.empty()) {
    url_problem_ = "its url names no mount: add one, e.g. " + base_ + "/berita.mp3";
  }
  if (channel_.user.empty()) channel_.user = "source";
  http::ClientOptions base_options =
      context_.client ? context_.client->options() : http::ClientOptions{};
  // A push is a live event: never sent twice by a retry, and given up when the server stops
  // taking the sound (Icecast drops a silent source after its own source-timeout anyway).
  http::ClientOptions push = base_options;
  push.retry.max_attempts = 1;
  push.timeouts.low_speed = options_.answer_timeout;
  push_client_ = std::make_unique<http::Client>(push);
  http::ClientOptions check = base_options;
  check.retry.max_attempts = 1;
  check.timeouts.total = options_.answer_timeout;
  check.timeouts.low_speed = options_.answer_timeout;
  check_client_ = std::make_unique<http::Client>(check);
}

IcecastConnector::~IcecastConnector() = default;

std::optional<std::string> IcecastConnector::content_type(const std::string& file_name) {
  const std::string ext = lower(std::filesystem::path(file_name).extension().string());
  if (ext == ".mp3") return "audio/mpeg";
  if (ext == ".ogg" || ext == ".oga" || ext == ".opus") return "audio/ogg";
  if (ext == ".aac") return "audio/aac";
  if (ext == ".webm") return "audio/webm";
  return std::nullopt;
}

Error IcecastConnector::channel_error(ErrorCode code, const std::string& message,
                                      const std::string& detail) const {
  Error e = make_error(code, fmt::format("channel {}: {}", channel_.name, message), {}, detail);
  e.context.channel = channel_.name;
  e.context.stage = "publish";
  return e;
}

Status IcecastConnector::usable() const {
  if (!url_problem_.empty()) {
    Error e = channel_error(ErrorCode::kInvalidArgument, url_problem_);
    e.context.file = channel_.file.string();
    if (channel_.line > 0) e.context.detail = fmt::format("line {}", channel_.line);
    return e;
  }
  if (context_.secret.empty()) {
    return channel_error(
        ErrorCode::kPermission,
        "no source password: set " +
            (channel_.secret_env.empty() ? std::string("secret_env") : channel_.secret_env) +
            " to the <source-password> of the station's icecast.xml");
  }
  return Ok{};
}

// The one line a refused or broken push gives: what happened and what to do.
Error IcecastConnector::push_error(const Error& http_error, double seconds) const {
  const std::string& why = http_error.message;
  const std::string where = base_ + mount_;
  const std::string status = http_error.context.detail;
  if (status == "HTTP 401") {
    return channel_error(
        ErrorCode::kPermission,
        fmt::format("Icecast at {} refused the source password for {}: set {} "
                    "to the station's <source-password> (or the mount's own)",
                    base_, mount_,
                    channel_.secret_env.empty() ? "secret_env" : channel_.secret_env),
        status);
  }
  if (why.find("Mountpoint in use") != std::string::npos) {
    return channel_error(ErrorCode::kPermission,
                         fmt::format("mount {} is in use: another source is live on {} now; "
                                     "publish again when it has finished, or use another mount",
                                     mount_, base_),
                         status);
  }
  if (why.find("too many sources") != std::string::npos) {
    return channel_error(ErrorCode::kExternal,
                         fmt::format("Icecast at {} has as many live sources as it allows; "
                                     "publish again when one has finished",
                                     base_),
                         status);
  }
  if (status.starts_with("HTTP ")) {
    return channel_error(http_error.code,
                         fmt::format("Icecast at {} refused the push: {}", where, why), status);
  }
  return channel_error(ErrorCode::kIo,
                       fmt::format("the push to {} broke off after {:.1f} s, so the clip did not "
                                   "play whole: {}; check the server, then publish again",
                                   where, seconds, why));
}

Status IcecastConnector::test() {
  if (Status st = usable(); !st) return st;
  Result<LiveSources> sources = live_sources(*check_client_, base_);
  if (!sources) {
    return channel_error(ErrorCode::kIo, fmt::format("cannot read the status of Icecast at {}: "
                                                     "{}; check the url and that it runs",
                                                     base_, sources.error().message));
  }
  // Mount-level admin commands take the source password; the answer tells it all: 401 wrong
  // password, 400 "Source does not exist" the mount is free, 200 a source is live on it now.
  http::Request probe{.url = base_ + "/admin/stats?mount=" + http::url_encode(mount_),
                      .accepted_statuses = {400}};
  probe.headers.set("Authorization", http::basic_auth(channel_.user, context_.secret));
  Result<http::Response> r = check_client_->send(probe);
  if (!r) return push_error(r.error(), 0);
  if (r->status == 200 || find_source(*sources, mount_)) {
    return channel_error(ErrorCode::kPermission,
                         fmt::format("mount {} is in use: another source is live on {} now; a "
                                     "push would be refused until it has finished",
                                     mount_, base_));
  }
  return Ok{};
}

Result<std::optional<RemoteItem>> IcecastConnector::find_media(const PlannedMedia&) {
  return std::optional<RemoteItem>{};
}

http::Request IcecastConnector::source_request(const ChannelPlan& plan, const PlannedMedia& media,
                                               const std::string& type,
                                               double bytes_per_second) const {
  http::Request push{.method = "PUT", .url = base_ + mount_, .body = http::FileBody{media.file}};
  push.headers.set("Authorization", http::basic_auth(channel_.user, context_.secret));
  push.headers.set("Content-Type", type);
  // Icecast refuses (401, 403 in use) before the body only when asked to continue; without
  // it, a refused source meets a reset connection instead of the reason.
  push.headers.set("Expect", "100-continue");
  push.headers.set("Ice-Public", "0");
  push.headers.set("Ice-Name",
                   header_text(plan.text.title.empty() ? media.upload_name : plan.text.title));
  push.max_send_bytes_per_second =
      static_cast<std::uint64_t>(std::ceil(bytes_per_second * options_.pace_lead));
  push.done_when_sent = true;
  push.status_within = options_.answer_timeout;
  push.retry = false;
  return push;
}

Result<RemoteItem> IcecastConnector::upload_media(const ChannelPlan& plan,
                                                  const PlannedMedia& media) {
  if (Status st = usable(); !st) return st.error();
  const std::optional<std::string> type = content_type(media.file.string());
  if (!type) {
    return channel_error(ErrorCode::kUnsupported,
                         fmt::format("{} cannot be streamed: Icecast takes MP3, Ogg, AAC or WebM "
                                     "sound (the radio-clip preset makes MP3)",
                                     media.file.filename().string()));
  }
  Result<ClipRate> rate = clip_rate(media);
  if (!rate) return rate.error();

  http::Request push = source_request(plan, media, *type, rate->bytes_per_second);
  LiveTarget target{base_,           mount_,          channel_.user,
                    context_.secret, plan.text.title, rate->bytes_per_second};
  std::atomic<bool> done{false};
  LiveReport live;
  std::thread watcher([&] { live = watch_live(*check_client_, target, options_, done); });
  const auto start = std::chrono::steady_clock::now();
  http::ProgressFn progress;
  if (context_.progress) {
    progress = [this](const http::Progress& p) { context_.progress(p.sent, p.send_total); };
  }
  Result<http::Response> r = push_client_->send(push, progress);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  done = true;
  watcher.join();
  if (!r) return push_error(r.error(), seconds);
  // Icecast's answer has no length: a connection closed by the server (or on the way) ends
  // it "complete" while the clip is still being sent.
  const std::uint64_t size = rate->size_bytes;
  if (r->bytes_sent < size) {
    return push_error(
        make_error(ErrorCode::kIo, fmt::format("the server closed the connection after {} of {} "
                                               "bytes",
                                               r->bytes_sent, size)),
        seconds);
  }
  live.pushed_seconds = seconds;
  live.clip_seconds = rate->seconds;
  return RemoteItem{.id = mount_,
                    .url = base_ + mount_,
                    .name = media.upload_name,
                    .detail = to_json(live).dump()};
}

Result<std::optional<RemoteItem>> IcecastConnector::find_post(const ChannelPlan&,
                                                              const std::string&) {
  return std::optional<RemoteItem>{};
}

Result<RemoteItem> IcecastConnector::put_post(const ChannelPlan&, const std::string& slug,
                                              const std::vector<RemoteItem>&,
                                              const std::optional<RemoteItem>&) {
  if (Status st = usable(); !st) return st.error();
  return RemoteItem{.id = mount_, .url = base_ + mount_, .name = slug, .detail = {}};
}

Result<std::vector<Finding>> IcecastConnector::verify(const ChannelPlan& plan, const RemoteItem&,
                                                      const std::vector<RemoteItem>& media) {
  std::vector<Finding> findings;
  if (media.empty()) {
    findings.push_back({"radio clip", "one clip pushed live to " + mount_, "nothing was pushed"});
  }
  for (const RemoteItem& item : media) {
    const LiveReport live = live_report_from_json(item.detail);
    for (Finding& f : live_findings(live, plan.text.title, options_)) {
      findings.push_back(std::move(f));
    }
  }
  return findings;
}

}  // namespace saluran
