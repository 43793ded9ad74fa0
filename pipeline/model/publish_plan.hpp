#pragma once
// What publishing a story will do, channel by channel: made by stages/plan, shown by
// `saluran plan`, carried out by stages/publish. Connectors read it and nothing else.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model/channel.hpp"
#include "pipeline/model/story.hpp"

namespace saluran {

/// One file a channel receives: a rendition of one story media item.
struct PlannedMedia {
  MediaRole role = MediaRole::kGallery;
  std::string asset;             ///< the source's asset id (content hash)
  std::filesystem::path source;  ///< the library file it is made from
  std::string preset;            ///< e.g. "web", "radio-clip"
  std::filesystem::path file;    ///< the rendition (final path)
  std::string kind;              ///< "photo", "video" or "audio"
  bool made = false;             ///< the rendition exists and is up to date
  std::string upload_name;       ///< unique remote file name: "<slug>-<asset8>-<preset>.<ext>"
  std::string alt;
  std::string caption;
  std::optional<FocusPoint> focus;
  std::optional<TimeRange> trim;
  /// An address the platform can fetch the file from (Instagram and Facebook fetch by URL):
  /// filled by the publish stage from the media host channel's upload of this file, or from
  /// the channel's public_base_url; empty when there is none.
  std::string public_url;
  /// How the source goes into the frame: "keep", "fill", "fit" or "blur-pad" (empty: sound).
  std::string aspect;
  int width = 0;       ///< of the rendition as planned (0: unknown)
  int height = 0;      ///< of the rendition as planned (0: unknown)
  double seconds = 0;  ///< length of a video or sound rendition as planned (0: unknown)
  /// Pass-through (a `passthrough = "when-valid"` video preset): the source's video stream is
  /// copied, not encoded; as the render recorded it when made, else as render will decide.
  bool copy = false;
  std::string copy_note;  ///< why copied or encoded, in plain words (empty: no pass-through)
  /// One encode serves this rendition and others of the same source (render's shared_encodes):
  /// which, with whose settings; empty when it is encoded for itself.
  std::string shared_note;
};

/// The text exactly as the channel will show it (cut to its limits at a word boundary).
struct PostText {
  std::string title;
  std::string body;     ///< HTML for websites (html_body), plain text otherwise
  std::string caption;  ///< social caption, with hashtags placed and the link added
  std::string excerpt;
  std::vector<std::string> tags;
  std::string category;
  std::string date;     ///< the story's date, YYYY-MM-DD (pages that show it: folder site)
  std::string place;    ///< where it happened
  std::string credits;  ///< e.g. "Foto: Tim Diskominfo"
};

/// Something wrong found before sending, e.g. "no cover photo", "caption 2,310 of 2,200".
struct PlanProblem {
  std::string channel;
  std::string message;
  bool blocking = true;  ///< publishing this channel is refused while it stands
};

/// One channel's part of the plan.
struct ChannelPlan {
  ChannelConfig channel;
  ChannelTextLimits limits;
  PostText text;
  std::vector<PlannedMedia> media;
  std::vector<PlanProblem> problems;
  PostStatus status = PostStatus::kPublish;  ///< the story's status (Story::status)
  std::string schedule;  ///< ISO 8601 with offset when status is kScheduled (Story::schedule)
  /// The website channel (`public_via`) whose media upload of each file gives the public
  /// address this channel's platform fetches it from (Instagram); none when not configured.
  std::optional<ChannelConfig> media_host;
};

/// The whole plan of one story.
struct PublishPlan {
  Story story;
  std::vector<ChannelPlan> channels;
  std::vector<PlanProblem> problems;  ///< story-wide (e.g. a media reference matches nothing)
};

}  // namespace saluran
