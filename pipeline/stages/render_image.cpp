#include "pipeline/stages/render_image.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "codecs/av/frame_sampler.hpp"
#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"
#include "codecs/image/face_detector.hpp"
#include "codecs/image/photo_decode.hpp"
#include "codecs/image/photo_encode.hpp"
#include "codecs/image/picture_ops.hpp"
#include "codecs/meta/exif_writer.hpp"
#include "pipeline/ops/attention_map.hpp"
#include "pipeline/presets/preset_json.hpp"
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

/// One picture frame to make: a crop window of the decoded picture, resized. Several files
/// (formats) can share one.
struct Shape {
  bool fill = false;
  int out_width = 0;
  int out_height = 0;
  std::optional<CropChoice> crop;
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

// Equal fingerprints mean the file would come out the same: same input file, same settings,
// same focus point.
std::string fingerprint(const Preset& preset, const std::string& input, const std::string& name,
                        const std::optional<FocusPoint>& focus) {
  struct stat st {};
  ::stat(input.c_str(), &st);
  const std::string text = fmt::format(
      "{}|{}|{}|{}|{}|{}|{}|{}", SALURAN_VERSION, fs::absolute(input).string(),
      static_cast<long long>(st.st_size), static_cast<long long>(st.st_mtim.tv_sec),
      static_cast<long long>(st.st_mtim.tv_nsec), preset_to_json(preset).dump(), name,
      focus ? fmt::format("{:.4f},{:.4f}", focus->x, focus->y) : std::string("content"));
  return fmt::format("{:016x}", XXH3_64bits(text.data(), text.size()));
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
    s = m.upscale ? 1e9 : 1.0;
    if (m.max_width > 0) s = std::min(s, static_cast<double>(m.max_width) / long_side);
    if (m.max_height > 0) s = std::min(s, static_cast<double>(m.max_height) / short_side);
    if (s > 1e8) s = 1.0;
  }
  if (s > 1.0 && !m.upscale) return {0, 0};
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

nlohmann::json crop_to_json(const CropChoice& c) {
  return {{"window", {c.window.x, c.window.y, c.window.width, c.window.height}},
          {"basis", c.basis},
          {"faces_total", c.faces_total},
          {"faces_kept", c.faces_kept},
          {"faces_cut", c.faces_cut},
          {"note", c.note}};
}

/// Everything decoded once and shared by the outputs.
struct Source {
  DecodedPhoto photo;
  std::optional<double> poster_s;
  std::string poster_reason;
};

/// The source picture: a photo decoded at the size the outputs need, or a video's poster frame.
Result<Source> load_source(const std::string& input, const MediaInfo& info,
                           const std::vector<const Preset*>& presets, const RenderOptions& opt) {
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
  const Result<FaceDetector>& faces = face_detector_once();
  if (!faces) return faces.error();
  auto pick = pick_poster(input, *faces);
  if (!pick) return pick.error();
  auto frame = av::decode_frame_at(input, pick->time_s);
  if (!frame) return frame.error();
  src.photo.stored_width = frame->width;
  src.photo.stored_height = frame->height;
  src.photo.picture = std::move(*frame);
  src.photo.colour = "video frame (BT.709 as sRGB)";
  src.poster_s = pick->time_s;
  src.poster_reason = pick->reason;
  return src;
}

}  // namespace

const Result<FaceDetector>& face_detector_once() {
  static const Result<FaceDetector> detector = FaceDetector::open();
  return detector;
}

nlohmann::json image_outcome_to_json(const ImageOutcome& m) {
  nlohmann::json j = {{"width", m.width},           {"height", m.height},    {"format", m.format},
                      {"quality", m.quality},       {"bytes", m.bytes},      {"colour", m.colour},
                      {"shrink_on_load", m.shrink}, {"gps_kept", m.gps_kept}};
  if (m.crop) j["crop"] = crop_to_json(*m.crop);
  if (m.poster_s) {
    j["poster_s"] = *m.poster_s;
    j["poster_reason"] = m.poster_reason;
  }
  return j;
}

std::vector<RenditionResult> render_images(const std::string& input, const MediaInfo& info,
                                           const std::string& stem,
                                           const std::vector<const Preset*>& presets,
                                           const RenderOptions& opt,
                                           const nlohmann::json& manifest) {
  std::vector<RenditionResult> results;
  std::vector<OutputFile> files;
  // Name every output first: the up-to-date ones are not made again.
  for (const Preset* p : presets) {
    const ImageSpec& m = *p->image;
    std::vector<int> variants = m.widths;
    if (variants.empty()) variants.push_back(0);
    for (int v : variants) {
      for (const std::string& format : m.formats) {
        RenditionResult r;
        r.input = input;
        r.preset = p->name;
        const std::string name =
            v > 0 ? fmt::format("{}.{}-{}.{}", stem, p->name, v, extension_of(*p, format))
                  : fmt::format("{}.{}.{}", stem, p->name, extension_of(*p, format));
        r.output = (fs::path(opt.out_dir) / name).string();
        r.fingerprint = fingerprint(*p, input, name, opt.overrides.focus);
        const auto& outs = manifest["outputs"];
        if (!opt.force && outs.contains(name) && outs[name].value("status", "") == "made" &&
            outs[name].value("fingerprint", "") == r.fingerprint && fs::exists(r.output)) {
          r.status = "up-to-date";
        } else {
          files.push_back({p, format, results.size(), static_cast<std::size_t>(v)});
        }
        results.push_back(std::move(r));
      }
    }
  }
  if (files.empty()) return results;

  auto fail_all = [&](const Error& e) {
    for (const OutputFile& f : files) {
      results[f.result].status = "failed";
      results[f.result].error = e;
    }
    return results;
  };
  std::vector<const Preset*> pending;
  for (const OutputFile& f : files) {
    if (std::find(pending.begin(), pending.end(), f.preset) == pending.end())
      pending.push_back(f.preset);
  }
  auto source = load_source(input, info, pending, opt);
  if (!source) return fail_all(source.error());
  const Picture& picture = source->photo.picture;
  const int dw = picture.width;
  const int dh = picture.height;
  // The upright size of the source before any shrink-on-load, which "keep" sizes are from.
  const bool landscape = dw >= dh;
  const int full_long = std::max(source->photo.stored_width, source->photo.stored_height);
  const int full_short = std::min(source->photo.stored_width, source->photo.stored_height);
  const int uw = landscape ? full_long : full_short;
  const int uh = landscape ? full_short : full_long;

  // Faces and attention once, for every fill crop.
  const bool any_fill = std::any_of(files.begin(), files.end(), [](const OutputFile& f) {
    return f.preset->image->aspect == AspectMode::kFill;
  });
  std::vector<Rect> faces;
  std::optional<AttentionMap> attention;
  if (any_fill) {
    if (const Result<FaceDetector>& detector = face_detector_once(); detector) {
      for (const FaceBox& f : detector->detect(picture, kFaceEdge, kFastScaleStep))
        faces.push_back(f.box);
    }
    const double s = static_cast<double>(kAttentionEdge) / std::max(dw, dh);
    attention = attention_map(s < 1 ? resize_picture(picture, std::max(1, static_cast<int>(dw * s)),
                                                     std::max(1, static_cast<int>(dh * s)))
                                    : picture);
  }

  // One shape per preset and width; formats of the same shape share its pixels.
  std::vector<Shape> shapes;
  std::map<std::pair<const Preset*, std::size_t>, std::size_t> shape_of;
  for (OutputFile& f : files) {
    const auto key = std::make_pair(f.preset, f.shape);
    if (auto it = shape_of.find(key); it != shape_of.end()) {
      f.shape = it->second;
      continue;
    }
    const ImageSpec& m = *f.preset->image;
    Shape shape;
    if (m.aspect == AspectMode::kFill) {
      shape.fill = true;
      shape.out_width = m.width;
      shape.out_height = m.height;
      CropRequest req;
      req.width = dw;
      req.height = dh;
      req.aspect = static_cast<double>(m.width) / m.height;
      req.faces = faces;
      req.attention = attention ? &*attention : nullptr;
      req.focus = opt.overrides.focus;
      shape.crop = choose_crop(req);
    } else {
      std::tie(shape.out_width, shape.out_height) = keep_size(m, uw, uh, static_cast<int>(f.shape));
    }
    shape_of[key] = shapes.size();
    f.shape = shapes.size();
    shapes.push_back(std::move(shape));
  }

  // Each shape on a worker: crop, resize, then every format of it encoded, checked, placed.
  std::atomic<std::size_t> next{0};
  std::mutex results_mutex;
  auto work = [&] {
    for (std::size_t i = next++; i < shapes.size(); i = next++) {
      const Shape& shape = shapes[i];
      // The decoded picture itself when it already has the size (no copy), else resized.
      Picture resized;
      const Picture* pixels = &picture;
      if (shape.out_width > 0) {
        if (shape.fill) {
          resized = resize_region(picture, shape.crop->window, shape.out_width, shape.out_height);
          pixels = &resized;
        } else if (shape.out_width != dw || shape.out_height != dh) {
          resized = resize_picture(picture, shape.out_width, shape.out_height);
          pixels = &resized;
        }
      }
      for (const OutputFile& f : files) {
        if (f.shape != i) continue;
        RenditionResult r;
        {
          std::lock_guard lock(results_mutex);
          r = results[f.result];
        }
        const Preset& preset = *f.preset;
        if (shape.out_width == 0) {
          r.status = "skipped";
          r.error = make_error(ErrorCode::kInvalidArgument,
                               fmt::format("not made: the source is {} px wide, narrower than this "
                                           "width, and {} does not enlarge",
                                           uw, preset.name),
                               r.output);
        } else {
          ImageOutcome out;
          out.width = shape.out_width;
          out.height = shape.out_height;
          out.format = f.format;
          out.colour = source->photo.colour;
          out.shrink = source->photo.shrink;
          out.crop = shape.crop;
          out.poster_s = source->poster_s;
          out.poster_reason = source->poster_reason;
          out.gps_kept = preset.image->keep_gps;
          auto bytes =
              encode_within_limit(*pixels, preset, f.format,
                                  build_output_exif(source->photo.exif, {preset.image->keep_gps},
                                                    out.width, out.height),
                                  out.quality, r.output);
          const std::string temp = temp_path_beside(r.output, "part");
          Status written = bytes ? write_file_synced(temp, *bytes) : Status(bytes.error());
          if (bytes) out.bytes = bytes->size();
          if (written) {
            auto check = check_output(temp, preset);
            if (!check) {
              written = check.error();
            } else {
              check->file = r.output;
              r.check = std::move(*check);
              if (!r.check->passed()) {
                written = make_error(
                    ErrorCode::kInvalidArgument,
                    fmt::format("does not meet {}'s limits: {}", preset.name, r.check->failures()),
                    r.output, "check");
              }
            }
          }
          if (written) {
            std::error_code ec;
            fs::rename(temp, r.output, ec);
            if (ec) written = errno_error(ec.value(), "rename", r.output);
          }
          if (written) {
            r.status = "made";
          } else {
            std::error_code ec;
            fs::remove(temp, ec);
            r.status = "failed";
            r.error = written.error();
          }
          r.image = std::move(out);
        }
        std::lock_guard lock(results_mutex);
        results[f.result] = std::move(r);
      }
    }
  };
  const std::size_t n =
      std::min<std::size_t>(shapes.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> workers;
  for (std::size_t t = 1; t < n; ++t) workers.emplace_back(work);
  work();
  for (std::thread& t : workers) t.join();
  if (Status st = fsync_dir(opt.out_dir); !st) {
    for (RenditionResult& r : results) {
      if (r.status == "made") {
        r.status = "failed";
        r.error = st.error();
      }
    }
  }
  return results;
}

}  // namespace saluran
