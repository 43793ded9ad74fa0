#pragma once
// A story: what one event becomes on every channel. Read from story.toml (stages/story_parse),
// written as a draft by `saluran story new`, planned by `saluran plan`, sent by `publish`.
//
// Example (story.toml):
//   title = "Bupati meresmikan Jembatan Cikapundung 🌉"
//   summary = "Jembatan baru menghubungkan dua desa."
//   body = """Bandung — Bupati meresmikan ..."""
//   tags = ["infrastruktur", "jembatan"]
//   category = "Berita"
//   place = "Desa Sukamaju"
//   date = "2025-03-14"
//   credits = "Foto: Tim Diskominfo"
//   status = "publish"                  # or "draft"; schedule = "2025-03-15T08:00:00+07:00"
//   channels = ["website", "radio", "site"]
//   [[media]]
//   path = "2025/03/14/IMG_0001.jpg"    # or asset = "ab12..." or query = { kind = "photo", day =
//   "2025-03-14" } role = "cover"                      # cover, gallery, video, radio focus = [0.4,
//   0.3]
//   [[media]]
//   path = "2025/03/14/C0001.MP4"
//   role = "video"
//   trim = [2.0, 62.0]
//   [channel.website]
//   caption = "..."; hashtags = ["#Diskominfo"]; media = ["cover", "gallery"]

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/focus_point.hpp"
#include "pipeline/model/time_range.hpp"

namespace saluran {

/// What a media item is for in the story.
enum class MediaRole {
  kCover,    ///< the featured picture (one per story)
  kGallery,  ///< further photos
  kVideo,    ///< the main video
  kRadio,    ///< the sound for the radio (a recording, or a video's sound)
};

/// A query over the inventory, as in `saluran inventory` (empty = not given).
struct MediaQuery {
  std::string kind;    ///< "photo", "video", "audio"
  std::string day;     ///< YYYY-MM-DD
  std::string device;  ///< text in make and model
  std::string near;    ///< "LAT,LON"
  double within_km = 0;
};

/// One media reference of the story; exactly one of path, asset and query is set.
struct StoryMedia {
  std::string path;   ///< library path, relative to the library folder
  std::string asset;  ///< asset id (content hash) in the catalog
  std::optional<MediaQuery> query;
  MediaRole role = MediaRole::kGallery;
  std::optional<FocusPoint> focus;
  std::optional<TimeRange> trim;
  std::string alt;      ///< alternative text for a photo (accessibility); defaults to caption
  std::string caption;  ///< a photo's caption
  int line = 0;         ///< where it is written in story.toml (for errors)
};

/// Per-channel changes to the story's text and media.
struct ChannelOverride {
  std::string channel;
  std::optional<std::string> title;
  std::optional<std::string> caption;  ///< replaces the text the channel would derive
  std::vector<std::string> hashtags;
  std::vector<MediaRole> media;  ///< roles this channel takes; empty = the kind's default
};

/// Whether the post goes live, stays a draft, or waits for a time.
enum class PostStatus { kPublish, kDraft, kScheduled };

/// The whole story, as read from story.toml.
struct Story {
  std::filesystem::path file;  ///< the story.toml
  std::string slug;            ///< stable id for reconciling with remotes; from the title if unset
  std::string title;
  std::string summary;
  std::string body;  ///< plain text with blank lines between paragraphs (UTF-8)
  std::vector<std::string> tags;
  std::string category;
  std::string place;
  std::string date;  ///< YYYY-MM-DD
  std::string credits;
  std::vector<StoryMedia> media;
  std::vector<std::string> channels;  ///< channel names from channels.toml
  std::vector<ChannelOverride> overrides;
  PostStatus status = PostStatus::kPublish;
  std::string schedule;  ///< ISO 8601 with offset when status is kScheduled
};

}  // namespace saluran
