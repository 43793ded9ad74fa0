#include "pipeline/stages/render_image.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "codecs/av/frame_sampler.hpp"
#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"
#include "codecs/image/photo_decode.hpp"
#include "codecs/image/photo_encode.hpp"
#include "codecs/image/picture_ops.hpp"
#include "codecs/meta/exif_writer.hpp"
#include "pipeline/ops/attention_map.hpp"
#include "pipeline/ops/render_geometry.hpp"
#include "pipeline/run/worker_pool.hpp"
#include "pipeline/stages/face_detector.hpp"
#include "pipeline/stages/render_commit.hpp"
#include "pipeline/stages/render_fingerprint.hpp"
#include "pipeline/stages/video_analysis.hpp"

namespace saluran {
namespace fs = std::filesystem;
namespace {

// The attention map is computed on a picture this small: it is a coarse guide, and the cost
// of the edge, skin and saturation passes grows with every pixel.
constexpr int kAttentionEdge = 256;
// Faces are looked for on a copy this large: a face a fiftieth of the picture wide is still
// 13 px, and the four cascade passes cost about half what they cost at 800.
constexpr int kFaceEdge = 640;
// A size limit lowers the quality by this much per try.
constexpr int kQualityStep = 5;

/// One picture frame to make: a crop window of the decoded picture, resized (fill), the whole
/// picture resized (keep), or the whole picture placed in a frame (fit, blur-pad). Several
/// files (formats) can share one.
struct Shape {
  AspectMode aspect = AspectMode::kKeep;
  int out_width = 0;
  int out_height = 0;
  std::optional<CropChoice> crop;
  std::optional<Rect> place;  ///< fit and blur-pad: where the picture sits in the frame
  Rgb background{};           ///< fit: the colour around it
  std::optional<std::pair<int, int>> enlarged_from;  ///< the upright source, when enlarged
};

/// One file to write.
struct OutputFile {
  const Preset* preset = nullptr;
  std::string format;
  std::size_t result = 0;  ///< index into the results
  std::size_t shape = 0;   ///< index into the shapes
};

const char* extension_of(const Preset& p, const std::string& format) {
  if (format == p.container) return p.extension.c_str();
  return format == "jpeg" ? "jpg" : "webp";
}

int even_at_least_2(double v) { return std::max(2, static_cast<int>(std::lround(v))); }

/// The size of a "keep" output from an upright source of `w` x `h`: within the preset's box
/// (long side, short side), or `width` wide for a responsive variant. Zero when the variant
/// would enlarge a source the preset does not enlarge.
std::pair<int, int> keep_size(const ImageSpec& m, int w, int h, int variant_width) {
  double s = 1.0;
  if (variant_width > 0) {
    s = static_cast<double>(variant_width) / w;
  } else {
    const int long_side = std::max(w, h);
    const int short_side = std::min(w, h);
    s = m.enlarge == Enlarge::kToFrame ? 1e9 : 1.0;
    if (m.max_width > 0) s = std::min(s, static_cast<double>(m.max_width) / long_side);
    if (m.max_height > 0) s = std::min(s, static_cast<double>(m.max_height) / short_side);
    if (s > 1e8) s = 1.0;
  }
  if (s > 1.0 && m.enlarge != Enlarge::kToFrame) return {0, 0};
  return {even_at_least_2(w * s), std::max(1, static_cast<int>(std::lround(h * s)))};
}

/// The long edge the decoded picture needs so no output is enlarged from a shrunk decode.
int needed_long_edge(const std::vector<const Preset*>& presets, int w, int h) {
  const int long_side = std::max(w, h);
  double need = 1;
  for (const Preset* p : presets) {
    const ImageSpec& m = *p->image;
    if (m.aspect == AspectMode::kFill) {
      const double s =
          std::max(static_cast<double>(m.width) / w, static_cast<double>(m.height) / h);
      need = std::max(need, s * long_side);
      continue;
    }
    if (m.aspect == AspectMode::kFit || m.aspect == AspectMode::kBlurPad) {
      // The picture itself is only as large as its place; the blurred background needs less.
      const FrameGeometry g = plan_picture_geometry(m, w, h);
      need = std::max(need, static_cast<double>(g.scaled_width) / w * long_side);
      continue;
    }
    std::vector<int> variants = m.widths;
    if (variants.empty()) variants.push_back(0);
    for (int v : variants) {
      const auto [ow, oh] = keep_size(m, w, h, v);
      if (ow > 0) need = std::max(need, static_cast<double>(ow) / w * long_side);
    }
  }
  return static_cast<int>(std::ceil(std::min<double>(need, long_side)));
}

/// Encodes `picture` as `format`, lowering the quality step by step until the file fits the
/// preset's size limit.
Result<std::vector<std::uint8_t>> encode_within_limit(const Picture& picture, const Preset& preset,
                                                      const std::string& format,
                                                      std::vector<std::uint8_t> exif, int& quality,
                                                      const std::string& output) {
  const ImageSpec& m = *preset.image;
  EncodeOptions eo;
  eo.format = format;
  eo.progressive = m.progressive;
  eo.exif = std::move(exif);
  const std::uint64_t limit = preset.limits.max_file_bytes;
  std::uint64_t smallest = 0;
  for (quality = m.quality;; quality = std::max(m.min_quality, quality - kQualityStep)) {
    eo.quality = quality;
    auto bytes = encode_picture(picture, eo);
    if (!bytes) {
      Error e = bytes.error();
      e.context.file = output;
      return e;
    }
    if (limit == 0 || bytes->size() <= limit) return bytes;
    smallest = bytes->size();
    if (quality == m.min_quality) break;
  }
  return make_error(ErrorCode::kLimitExceeded,
                    fmt::format("is {} bytes even at the lowest quality the preset allows ({}), "
                                "over {}'s limit of {} bytes",
                                smallest, m.min_quality, preset.name, limit),
                    output, "max_file_bytes");
}

/// Everything decoded once and shared by the outputs.
struct Source {
  DecodedPhoto photo;
  std::optional<double> poster_s;
  std::string poster_reason;
  std::vector<std::string> warnings;  ///< poster and face detection failures, for every output
};

/// The poster render_images chooses itself when it is given no PosterSource.
Result<PosterPick> poster_with_detector(const std::string& input) {
  const Result<FaceDetector>& faces = face_detector_once();
  if (!faces) return faces.error();
  return pick_poster(input, *faces);
}

/// The source picture: a photo decoded at the size the outputs need, or a video's poster frame.
Result<Source> load_source(const std::string& input, const MediaInfo& info,
                           const std::vector<const Preset*>& presets, const RenderOptions& opt,
                           const PosterSource& poster) {
  Source src;
  if (info.kind == MediaKind::kPhoto) {
    auto data = read_file_bytes(input, opt.limits.max_file_bytes);
    if (!data) return data.error();
    const PictureInfo& pic = *info.picture;
    const int w = pic.upright_width > 0 ? pic.upright_width : pic.width;
    const int h = pic.upright_height > 0 ? pic.upright_height : pic.height;
    auto photo = decode_photo(*data, input, opt.limits, needed_long_edge(presets, w, h));
    if (!photo) return photo.error();
    // A cut-off photo decodes with its lower part grey: never published as if whole.
    if (photo->truncated) {
      return make_error(ErrorCode::kCorrupt,
                        "is truncated: the picture data ends early, so its lower part is missing",
                        input);
    }
    src.photo = std::move(*photo);
    return src;
  }
  auto pick = poster ? poster() : poster_with_detector(input);
  if (!pick) return pick.error();
  auto frame = av::decode_frame_at(input, pick->time_s);
  if (!frame) return frame.error();
  src.photo.stored_width = frame->width;
  src.photo.stored_height = frame->height;
  src.photo.picture = std::move(*frame);
  src.photo.colour = "video frame (BT.709 as sRGB)";
  src.poster_s = pick->time_s;
  src.poster_reason = pick->reason;
  src.warnings = pick->warnings;
  return src;
}

/// The picture outputs of one input: every file named, the ones to make listed.
struct PictureJob {
  std::vector<RenditionResult> results;  ///< one per output file, in preset order
  std::vector<OutputFile> files;         ///< the outputs to make (not up to date)
};

// Names one output file and decides whether it must be made.
void plan_picture_file(const Preset& p, int variant, const std::string& format,
                       const std::string& input, const std::string& stem, const RenderOptions& opt,
                       const RenderManifest& manifest, PictureJob& job) {
  RenditionResult r;
  r.input = input;
  r.preset = p.name;
  const std::string name =
      variant > 0 ? fmt::format("{}.{}-{}.{}", stem, p.name, variant, extension_of(p, format))
                  : fmt::format("{}.{}.{}", stem, p.name, extension_of(p, format));
  r.output = (fs::path(opt.out_dir) / name).string();
  if (needs_making(picture_fingerprint(p, input, name, opt.overrides.focus), manifest, opt.force,
                   r)) {
    job.files.push_back({&p, format, job.results.size(), static_cast<std::size_t>(variant)});
  }
  job.results.push_back(std::move(r));
}

// Names every output first: the up-to-date ones are not made again.
PictureJob plan_pictures(const std::string& input, const std::string& stem,
                         const std::vector<const Preset*>& presets, const RenderOptions& opt,
                         const RenderManifest& manifest) {
  PictureJob job;
  for (const Preset* p : presets) {
    std::vector<int> variants = p->image->widths;
    if (variants.empty()) variants.push_back(0);
    for (int v : variants) {
      for (const std::string& format : p->image->formats)
        plan_picture_file(*p, v, format, input, stem, opt, manifest, job);
    }
  }
  return job;
}

/// The upright size of the source before any shrink-on-load, which "keep" sizes are from.
struct UprightSize {
  int width = 0;
  int height = 0;
};

UprightSize upright_size(const Source& src) {
  const Picture& picture = src.photo.picture;
  const bool landscape = picture.width >= picture.height;
  const int full_long = std::max(src.photo.stored_width, src.photo.stored_height);
  const int full_short = std::min(src.photo.stored_width, src.photo.stored_height);
  return landscape ? UprightSize{full_long, full_short} : UprightSize{full_short, full_long};
}

/// The point between each face's eyes (its landmarks), or none when one face has no landmarks
/// (the Haar cascades give none).
std::vector<EyePoint> eyes_of(const std::vector<FaceBox>& faces) {
  std::vector<EyePoint> eyes;
  for (const FaceBox& f : faces) {
    if (f.landmarks.size() <= kLeftEye) return {};
    const FacePoint& r = f.landmarks[kRightEye];
    const FacePoint& l = f.landmarks[kLeftEye];
    eyes.push_back({(r.x + l.x) / 2, (r.y + l.y) / 2});
  }
  return eyes;
}

/// What fill crops are placed by: faces and the attention map, found once for every crop.
struct CropGuides {
  std::vector<Rect> faces;
  std::vector<EyePoint> eyes;  ///< per face, between its eyes; empty without landmarks
  std::optional<AttentionMap> attention;
  std::vector<std::string> warnings;  ///< the face detector failed: crops chosen without faces
};

CropGuides find_crop_guides(const Picture& picture, const std::vector<OutputFile>& files) {
  CropGuides guides;
  const bool any_fill = std::any_of(files.begin(), files.end(), [](const OutputFile& f) {
    return f.preset->image->aspect == AspectMode::kFill;
  });
  if (!any_fill) return guides;
  if (const Result<FaceDetector>& detector = face_detector_once(); detector) {
    FaceSearch found = detector->search(picture, kFaceEdge, kFastScaleStep);
    for (const FaceBox& f : found.faces) guides.faces.push_back(f.box);
    guides.eyes = eyes_of(found.faces);
    guides.warnings = detector->notices();
    for (const std::string& w : found.warnings)
      guides.warnings.push_back(w + "; the crops were chosen without faces");
  }
  const int dw = picture.width;
  const int dh = picture.height;
  const double s = static_cast<double>(kAttentionEdge) / std::max(dw, dh);
  guides.attention =
      attention_map(s < 1 ? resize_picture(picture, std::max(1, static_cast<int>(dw * s)),
                                           std::max(1, static_cast<int>(dh * s)))
                          : picture);
  return guides;
}

// The source's size when a shape is larger than it (1% of rounding slack): the scale at
// which the source covers the output, above 1.
std::optional<std::pair<int, int>> enlarged_picture(const Shape& shape, UprightSize upright) {
  if (shape.out_width <= 0 || upright.width <= 0 || upright.height <= 0) return std::nullopt;
  const double s = std::max(static_cast<double>(shape.out_width) / upright.width,
                            static_cast<double>(shape.out_height) / upright.height);
  if (s <= 1.01) return std::nullopt;
  return std::make_pair(upright.width, upright.height);
}

// "#rrggbb" (checked when the preset was read) as a colour.
Rgb colour_of(const std::string& hex) {
  Rgb c{};
  for (std::size_t i = 0; i < 3 && hex.size() >= 7; ++i)
    c[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16));
  return c;
}

// fit and blur-pad: the frame and the picture's place in it, as video plans them.
Shape placed_shape(const ImageSpec& m, UprightSize upright) {
  Shape shape;
  shape.aspect = m.aspect;
  const FrameGeometry g = plan_picture_geometry(m, upright.width, upright.height);
  shape.out_width = g.out_width;
  shape.out_height = g.out_height;
  shape.place = g.place;
  shape.background = colour_of(m.background);
  // Larger than the photo (beyond the even rounding of its size): enlarged.
  if (g.scaled_width > upright.width + 1 || g.scaled_height > upright.height + 1)
    shape.enlarged_from = std::make_pair(upright.width, upright.height);
  return shape;
}

// The shape of one preset and width: a fill crop (smart crop), a fit or blur-pad frame, or a
// "keep" size.
Shape shape_for(const ImageSpec& m, int variant, const Picture& picture, const CropGuides& guides,
                UprightSize upright, const RenderOptions& opt) {
  if (m.aspect == AspectMode::kFit || m.aspect == AspectMode::kBlurPad)
    return placed_shape(m, upright);
  Shape shape;
  if (m.aspect != AspectMode::kFill) {
    std::tie(shape.out_width, shape.out_height) =
        keep_size(m, upright.width, upright.height, variant);
    shape.enlarged_from = enlarged_picture(shape, upright);
    return shape;
  }
  shape.aspect = AspectMode::kFill;
  // A photo smaller than the frame keeps its scale unless the preset enlarges (to-frame).
  const double k =
      frame_scale(m.width, m.height, upright.width, upright.height, AspectMode::kFill, m.enlarge);
  shape.out_width = std::clamp(static_cast<int>(std::lround(m.width * k)), 1, m.width);
  shape.out_height = std::clamp(static_cast<int>(std::lround(m.height * k)), 1, m.height);
  shape.enlarged_from = enlarged_picture(shape, upright);
  CropRequest req;
  req.width = picture.width;
  req.height = picture.height;
  req.aspect = static_cast<double>(m.width) / m.height;
  req.faces = guides.faces;
  req.eyes = guides.eyes;
  req.attention = guides.attention ? &*guides.attention : nullptr;
  req.focus = opt.overrides.focus;
  shape.crop = choose_crop(req);
  return shape;
}

// One shape per preset and width; formats of the same shape share its pixels. Each file's
// `shape` (its width until now) becomes the index of its shape.
std::vector<Shape> plan_shapes(std::vector<OutputFile>& files, const Picture& picture,
                               const CropGuides& guides, UprightSize upright,
                               const RenderOptions& opt) {
  std::vector<Shape> shapes;
  std::map<std::pair<const Preset*, std::size_t>, std::size_t> shape_of;
  for (OutputFile& f : files) {
    const auto key = std::make_pair(f.preset, f.shape);
    if (auto it = shape_of.find(key); it != shape_of.end()) {
      f.shape = it->second;
      continue;
    }
    shapes.push_back(
        shape_for(*f.preset->image, static_cast<int>(f.shape), picture, guides, upright, opt));
    shape_of[key] = shapes.size() - 1;
    f.shape = shapes.size() - 1;
  }
  return shapes;
}

// Encodes one file of a shape, writes it under a temporary name, then checks and places it.
// The folder is flushed once for all files, after the last.
void make_picture_file(const OutputFile& f, const Shape& shape, const Picture& pixels,
                       const Source& source, RenditionResult& r) {
  const Preset& preset = *f.preset;
  ImageOutcome out;
  out.width = shape.out_width;
  out.height = shape.out_height;
  out.format = f.format;
  out.colour = source.photo.colour;
  out.shrink = source.photo.shrink;
  out.aspect = shape.aspect;
  out.crop = shape.crop;
  out.place = shape.place;
  out.poster_s = source.poster_s;
  out.poster_reason = source.poster_reason;
  out.gps_kept = preset.image->keep_gps;
  r.enlarged_from = shape.enlarged_from;
  auto bytes = encode_within_limit(
      pixels, preset, f.format,
      build_output_exif(source.photo.exif, {preset.image->keep_gps}, out.width, out.height),
      out.quality, r.output);
  const std::string temp = temp_path_beside(r.output, "part");
  const Status written = bytes ? write_file_synced(temp, *bytes) : Status(bytes.error());
  if (bytes) out.bytes = bytes->size();
  r.image = std::move(out);
  if (!written) {
    discard_output(temp, written.error(), r);
    return;
  }
  commit_checked(temp, preset, FolderSync::kLater, r);
}

/// What every worker shares: the decoded source, the shapes and the files to make.
struct PictureWork {
  const Source& source;
  const std::vector<Shape>& shapes;
  const std::vector<OutputFile>& files;
  UprightSize upright;
  const CancelFlag* cancel = nullptr;  ///< checked before each file
};

// One shape: crop and resize once, then every file (format) of it. Each file's result is
// written by the one worker that makes its shape, so the results need no lock.
void make_shape(std::size_t i, const PictureWork& work, std::vector<RenditionResult>& results) {
  const Shape& shape = work.shapes[i];
  const Picture& picture = work.source.photo.picture;
  // The decoded picture itself when it already has the size (no copy), else resized.
  Picture resized;
  const Picture* pixels = &picture;
  if (shape.out_width > 0 && shape.aspect == AspectMode::kFill) {
    resized = resize_region(picture, shape.crop->window, shape.out_width, shape.out_height);
    pixels = &resized;
  } else if (shape.aspect == AspectMode::kFit) {
    resized =
        fit_picture(picture, shape.out_width, shape.out_height, *shape.place, shape.background);
    pixels = &resized;
  } else if (shape.aspect == AspectMode::kBlurPad) {
    resized = blur_pad_picture(picture, shape.out_width, shape.out_height, *shape.place);
    pixels = &resized;
  } else if (shape.out_width > 0 &&
             (shape.out_width != picture.width || shape.out_height != picture.height)) {
    resized = resize_picture(picture, shape.out_width, shape.out_height);
    pixels = &resized;
  }
  for (const OutputFile& f : work.files) {
    if (f.shape != i) continue;
    RenditionResult& r = results[f.result];
    if (is_cancelled(work.cancel)) {
      r.outcome = Outcome::kFailed;
      r.error = cancelled_error(r.output);
      continue;
    }
    if (shape.out_width > 0) {
      make_picture_file(f, shape, *pixels, work.source, r);
      continue;
    }
    r.outcome = Outcome::kSkipped;
    r.error = make_error(ErrorCode::kInvalidArgument,
                         fmt::format("not made: the source is {} px wide, narrower than this "
                                     "width, and {} does not enlarge",
                                     work.upright.width, f.preset->name),
                         r.output);
  }
}

// The presets whose files are to be made, each once, in order.
std::vector<const Preset*> presets_of(const std::vector<OutputFile>& files) {
  std::vector<const Preset*> pending;
  for (const OutputFile& f : files) {
    if (std::find(pending.begin(), pending.end(), f.preset) == pending.end())
      pending.push_back(f.preset);
  }
  return pending;
}

}  // namespace

const Result<FaceDetector>& face_detector_once() {
  static const Result<FaceDetector> detector = FaceDetector::open();
  return detector;
}

std::vector<RenditionResult> render_images(const std::string& input, const MediaInfo& info,
                                           const std::string& stem,
                                           const std::vector<const Preset*>& presets,
                                           const RenderOptions& opt, const RenderManifest& manifest,
                                           const PosterSource& poster) {
  PictureJob job = plan_pictures(input, stem, presets, opt, manifest);
  if (job.files.empty()) return std::move(job.results);
  auto source = load_source(input, info, presets_of(job.files), opt, poster);
  if (!source) {
    for (const OutputFile& f : job.files) {
      job.results[f.result].outcome = Outcome::kFailed;
      job.results[f.result].error = source.error();
    }
    return std::move(job.results);
  }
  const Picture& picture = source->photo.picture;
  const UprightSize upright = upright_size(*source);
  const CropGuides guides = find_crop_guides(picture, job.files);
  for (const OutputFile& f : job.files) {
    std::vector<std::string>& w = job.results[f.result].warnings;
    w.insert(w.end(), source->warnings.begin(), source->warnings.end());
    if (f.preset->image->aspect == AspectMode::kFill)
      w.insert(w.end(), guides.warnings.begin(), guides.warnings.end());
  }
  const std::vector<Shape> shapes = plan_shapes(job.files, picture, guides, upright, opt);
  const PictureWork work{*source, shapes, job.files, upright, opt.cancel};
  // Each shape on a worker: crop, resize, then every format of it encoded, checked, placed.
  parallel_for(shapes.size(), default_threads(),
               [&](std::size_t i) { make_shape(i, work, job.results); });
  if (Status st = fsync_dir(opt.out_dir); !st) {
    for (RenditionResult& r : job.results) {
      if (r.outcome == Outcome::kMade) {
        r.outcome = Outcome::kFailed;
        r.error = st.error();
      }
    }
  }
  return std::move(job.results);
}

}  // namespace saluran
