#pragma once
// Picture renditions of one input: a photo is decoded ONCE, at the smallest size every output
// still needs (JPEG shrink-on-load), faces and the attention map are found once, and each
// preset's files are cropped (smart crop), resized, encoded and checked in parallel. A video
// gives its poster: the frame chosen by content (not black, sharp, not in a transition, faces).
//
//   std::vector<const Preset*> pictures = {&*catalog->get("instagram-feed-4x5"),
//                                          &*catalog->get("web")};
//   auto results = render_images("IMG_0001.JPG", info, "IMG_0001", pictures, opt, manifest);
//   // out/IMG_0001.instagram-feed-4x5.jpg, out/IMG_0001.web-480.jpg, ...web-480.webp, ...

#include <string>
#include <vector>

#include "pipeline/model/media_info.hpp"
#include "pipeline/stages/face_detector.hpp"
#include "pipeline/stages/render.hpp"
#include "pipeline/stages/render_manifest.hpp"
#include "pipeline/stages/video_analysis.hpp"

namespace saluran {

/// Renders every picture preset in `presets` (kind image) from `input`, a photo or a video
/// (`info` is its probe). One RenditionResult per output file; a preset with several widths
/// or formats gives several. Outputs `manifest` records as up to date are not made again.
/// Failures are per file; nothing throws. `poster` reports the poster analysis of a video;
/// `opt.cancel` stops the work (files not finished fail with ErrorCode::kCancelled).
std::vector<RenditionResult> render_images(const std::string& input, const MediaInfo& info,
                                           const std::string& stem,
                                           const std::vector<const Preset*>& presets,
                                           const RenderOptions& opt, const RenderManifest& manifest,
                                           const AnalysisHooks& poster = {});

/// The face detector, loaded once per process (its cascades take tens of milliseconds) and
/// shared by every thread; an error when Debian's opencv-data cascades are missing.
const Result<FaceDetector>& face_detector_once();

}  // namespace saluran
