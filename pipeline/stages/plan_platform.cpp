// The platforms' rules in plan: item counts, Instagram's picture shapes, public addresses.

#include "pipeline/stages/plan_platform.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include <fmt/format.h>

#include "connectors/http/form.hpp"

namespace saluran {
namespace {

void problem(ChannelPlan& plan, std::string message) {
  plan.problems.push_back({plan.channel.name, std::move(message), true});
}

// The host of an http(s) URL, lower case, without user, port or brackets.
std::string host_of(const std::string& url) {
  std::size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  std::size_t end = url.find_first_of("/?#", start);
  std::string host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (const std::size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
  if (host.starts_with("[")) {
    host = host.substr(1, host.find(']') - 1);
  } else if (const std::size_t colon = host.rfind(':'); colon != std::string::npos) {
    host.erase(colon);
  }
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

bool private_ipv4(const std::string& host) {
  std::array<unsigned, 4> b{};
  char tail = 0;
  if (std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3], &tail) != 4)
    return false;
  return b[0] == 127 || b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) ||
         (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254);
}

bool private_ipv6(const std::string& host) {
  if (host.find(':') == std::string::npos) return false;
  return host == "::1" || host.starts_with("fc") || host.starts_with("fd") ||
         host.starts_with("fe8") || host.starts_with("fe9") || host.starts_with("fea") ||
         host.starts_with("feb");
}

struct Counts {
  std::size_t photos = 0;
  std::size_t videos = 0;
};

Counts count_media(const ChannelPlan& plan) {
  Counts n;
  for (const PlannedMedia& m : plan.media) {
    if (m.kind == "photo") ++n.photos;
    if (m.kind == "video") ++n.videos;
  }
  return n;
}

void check_counts(ChannelPlan& plan) {
  const Counts n = count_media(plan);
  const std::string& name = plan.channel.name;
  switch (plan.channel.kind) {
    case ChannelKind::kInstagram:
      if (plan.media.size() > 10)
        problem(plan, fmt::format("Instagram takes at most 10 pictures and videos in one post "
                                  "(a carousel); this post has {}: give fewer media items the "
                                  "gallery role, or post only the cover with [channel.{}] media "
                                  "= [\"cover\"]",
                                  plan.media.size(), name));
      break;
    case ChannelKind::kX:
      if (n.videos > 0 && n.photos > 0)
        problem(plan, fmt::format("X posts up to four photos or one video, not both; this post "
                                  "has {} photo(s) and a video: choose with [channel.{}] media = "
                                  "[\"video\"] or media = [\"cover\", \"gallery\"]",
                                  n.photos, name));
      else if (n.photos > 4)
        problem(plan, fmt::format("X posts at most 4 photos; this post has {}: give fewer media "
                                  "items the gallery role, or post only the cover with "
                                  "[channel.{}] media = [\"cover\"]",
                                  n.photos, name));
      if (n.videos > 1) problem(plan, fmt::format("X posts one video; this post has {}", n.videos));
      break;
    case ChannelKind::kFacebook:
      if (n.videos > 0 && n.photos > 0)
        problem(plan, fmt::format("a Facebook post is photos or a video, not both; this post has "
                                  "{} photo(s) and a video: choose with [channel.{}] media = "
                                  "[\"video\"] or media = [\"cover\", \"gallery\"]",
                                  n.photos, name));
      if (n.videos > 1)
        problem(plan, fmt::format("a Facebook post has one video; this story gives {}", n.videos));
      break;
    case ChannelKind::kYouTube:
      if (n.videos > 1)
        problem(plan, fmt::format("a YouTube post is one video; this story gives {}: keep one "
                                  "media item with role = \"video\"",
                                  n.videos));
      if (n.photos > 1)
        problem(plan, fmt::format("YouTube takes one picture, the cover (its thumbnail); this "
                                  "post has {}: leave the gallery out with [channel.{}] media = "
                                  "[\"cover\", \"video\"]",
                                  n.photos, name));
      break;
    default:
      break;
  }
}

// The default of X and Facebook, whose post is either photos or a video: the video alone when
// there is one; on X at most the first four photos.
void choose_default_media(ChannelPlan& plan) {
  const ChannelKind kind = plan.channel.kind;
  if (kind != ChannelKind::kX && kind != ChannelKind::kFacebook) return;
  const Counts n = count_media(plan);
  auto note = [&](std::string text) {
    plan.problems.push_back({plan.channel.name, std::move(text), false});
  };
  if (n.videos > 0 && n.photos > 0) {
    std::erase_if(plan.media, [](const PlannedMedia& m) { return m.kind == "photo"; });
    note(
        fmt::format("{}: the video is posted; for the photos instead write [channel.{}] media = "
                    "[\"cover\", \"gallery\"]",
                    kind == ChannelKind::kX ? "X posts up to four photos or one video"
                                            : "a Facebook post is photos or a video",
                    plan.channel.name));
  } else if (kind == ChannelKind::kX && n.photos > 4) {
    plan.media.resize(4);
    note(
        fmt::format("X posts at most 4 photos: the cover and the first gallery photos are "
                    "posted, {} left out",
                    n.photos - 4));
  }
}

// Instagram accepts pictures from 4:5 (0.8) to 1.91:1 (Content Publishing API, image specs).
void check_shapes(ChannelPlan& plan) {
  if (plan.channel.kind != ChannelKind::kInstagram) return;
  for (const PlannedMedia& m : plan.media) {
    if (m.kind != "photo" || m.width <= 0 || m.height <= 0) continue;
    const double aspect = static_cast<double>(m.width) / m.height;
    if (aspect >= 0.8 - 0.005 && aspect <= 1.91 + 0.005) continue;
    problem(plan, fmt::format("{} would be {}x{} ({:.2f}:1); Instagram takes pictures from 4:5 "
                              "(0.8:1) to 1.91:1: use a preset that crops on faces, such as "
                              "instagram-feed-4x5 or instagram-square, in [channels.{}] presets",
                              m.source.filename().string(), m.width, m.height, aspect,
                              plan.channel.name));
  }
}

// Where Instagram fetches the files from: the public_via website's uploads, or a public folder.
void public_addresses(const std::vector<ChannelConfig>& channels, ChannelPlan& plan) {
  if (plan.channel.kind != ChannelKind::kInstagram || plan.media.empty()) return;
  const ChannelConfig& ch = plan.channel;
  std::string host_url;
  if (!ch.public_via.empty()) {
    auto via = std::find_if(channels.begin(), channels.end(),
                            [&](const ChannelConfig& c) { return c.name == ch.public_via; });
    if (via == channels.end() || via->kind != ChannelKind::kWordPress) {
      problem(plan, fmt::format("public_via = \"{}\" names no wordpress channel in channels.toml: "
                                "name the website channel whose media library hosts the files",
                                ch.public_via));
      return;
    }
    plan.media_host = *via;
    host_url = via->url;
  } else if (!ch.public_base_url.empty()) {
    std::string base = ch.public_base_url;
    if (!base.ends_with("/")) base += "/";
    for (PlannedMedia& m : plan.media)
      m.public_url = base + http::url_encode(m.file.filename().string());
    host_url = base;
  } else {
    problem(plan, fmt::format("Instagram fetches every picture and video from a public web "
                              "address, and channels.{} has none: set public_via = \"website\" "
                              "(the WordPress channel uploads the files) or public_base_url = "
                              "\"https://.../\" (a public folder holding the renditions)",
                              ch.name));
    return;
  }
  const std::string api = with_platform_defaults(ch).url;
  if (is_private_address(host_url) && !is_private_address(api))
    problem(plan, fmt::format("Instagram's servers cannot fetch files from {} (an address only "
                              "this office's network reaches): host them on the public website "
                              "(public_via) or a public_base_url on the internet",
                              host_of(host_url)));
}

}  // namespace

bool is_private_address(const std::string& url) {
  const std::string host = host_of(url);
  if (host.empty() || host == "localhost" || host.ends_with(".localhost") ||
      host.ends_with(".local") || host.ends_with(".internal") || host.ends_with(".lan"))
    return true;
  if (private_ipv4(host) || private_ipv6(host)) return true;
  return host.find('.') == std::string::npos && host.find(':') == std::string::npos;
}

void plan_platform(const std::vector<ChannelConfig>& channels, ChannelPlan& plan,
                   bool media_chosen) {
  if (!media_chosen) choose_default_media(plan);
  check_counts(plan);
  check_shapes(plan);
  public_addresses(channels, plan);
}

}  // namespace saluran
