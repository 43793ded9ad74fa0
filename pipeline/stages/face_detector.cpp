#include "pipeline/stages/face_detector.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "codecs/image/blazeface_net.hpp"
#include "codecs/image/face_cascades.hpp"
#include "pipeline/ops/blazeface.hpp"

#ifndef SALURAN_SOURCE_MODEL_DIR
#define SALURAN_SOURCE_MODEL_DIR "models/blazeface"
#endif

namespace fs = std::filesystem;

namespace saluran {
namespace {

// Detections of one face overlap at least this much (MediaPipe's blending threshold).
constexpr double kBlendIou = 0.3;
// The smallest face, in input pixels, the full-range model finds reliably; smaller ones are
// looked for on tiles.
constexpr double kSmallestSeen = 14;

/// The folder that holds `path`'s binary's installed share folder, if any.
std::optional<fs::path> installed_model_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  const fs::path dir = exe.parent_path().parent_path() / "share/saluran/models/blazeface";
  if (fs::is_regular_file(dir / kBlazeFaceModelFile, ec)) return dir;
  return std::nullopt;
}

int rounded(double v) { return static_cast<int>(std::lround(v)); }

/// A blended detection in picture pixels as a FaceBox inside the picture; nothing when it lies
/// outside.
std::optional<FaceBox> to_face_box(const FaceDetection& d, int width, int height) {
  const int x0 = std::clamp(rounded(d.x0), 0, width);
  const int y0 = std::clamp(rounded(d.y0), 0, height);
  const int x1 = std::clamp(rounded(d.x1), 0, width);
  const int y1 = std::clamp(rounded(d.y1), 0, height);
  if (x1 - x0 < 2 || y1 - y0 < 2) return std::nullopt;
  FaceBox f{Rect{x0, y0, x1 - x0, y1 - y0}, d.score, false, {}};
  for (std::size_t k = 0; k + 1 < d.points.size(); k += 2) {
    f.landmarks.push_back({std::clamp(d.points[k], 0.0, static_cast<double>(width)),
                           std::clamp(d.points[k + 1], 0.0, static_cast<double>(height))});
  }
  return f;
}

/// The model file in `model_dir` (default_face_model_dir() when empty).
std::string model_path(const std::string& model_dir) {
  const std::string dir = model_dir.empty() ? default_face_model_dir() : model_dir;
  return (fs::path(dir) / kBlazeFaceModelFile).string();
}

/// The notice of a run on the cascades because BlazeFace could not be opened.
std::string fallback_notice(const Error& why) {
  return fmt::format(
      "faces are found with the Haar cascades, which miss small and turned faces: {}",
      why.to_string());
}

}  // namespace

std::string default_face_model_dir() {
  if (const char* env = std::getenv("SALURAN_MODEL_DIR"); env != nullptr && *env != '\0')
    return env;
  if (auto installed = installed_model_dir()) return installed->string();
  return SALURAN_SOURCE_MODEL_DIR;
}

struct FaceDetector::Impl {
  std::string name;
  std::vector<std::string> notices;
  std::optional<BlazeFaceNet> net;
  std::optional<FaceCascades> cascades;

  FaceSearch blazeface(const Picture& picture, double scale_step, double min_face) const;
};

FaceSearch FaceDetector::Impl::blazeface(const Picture& picture, double scale_step,
                                         double min_face) const {
  FaceSearch found;
  const int size = net->input_size();
  const double min_px = std::clamp(min_face, 0.0, 1.0) * std::min(picture.width, picture.height);
  const std::vector<FacePass> passes =
      plan_face_passes(picture.width, picture.height, min_px, size, kSmallestSeen,
                       scale_step >= kFastScaleStep - 1e-9);
  std::vector<BlazeFaceNet::Square> squares;
  for (const FacePass& p : passes) squares.push_back({p.x, p.y, p.side});
  auto raw = net->run(picture, squares);
  if (!raw) {
    found.warnings.push_back(raw.error().message);
    return found;
  }
  // The faces at `min_score`, each pass's detections blended, then all passes' (decoding is
  // cheap: the sure faces and the unsure ones are decoded apart, so that unsure detections
  // never move a sure face's box).
  const auto faces_at = [&](double min_score) {
    std::vector<FaceDetection> all;
    for (std::size_t i = 0; i < passes.size(); ++i) {
      std::vector<FaceDetection> unit;
      for (int layer = 0; layer < 2; ++layer) {
        auto d = decode_blazeface((*raw)[i].scores[layer], (*raw)[i].boxes[layer],
                                  kBlazeLayers[layer], size, min_score);
        unit.insert(unit.end(), d.begin(), d.end());
      }
      std::vector<FaceDetection> faces = to_picture(blend_overlapping(unit, kBlendIou), passes[i]);
      keep_whole_faces(faces, passes[i], picture.width, picture.height);
      all.insert(all.end(), faces.begin(), faces.end());
    }
    return blend_overlapping(std::move(all), kBlendIou);
  };
  const std::vector<FaceDetection> sure = faces_at(kFaceScore);
  for (const FaceDetection& d : sure) {
    if (auto f = to_face_box(d, picture.width, picture.height)) found.faces.push_back(*f);
  }
  for (const FaceDetection& d : faces_at(kWeakFaceScore)) {
    if (d.score >= kFaceScore) continue;
    const bool on_sure = std::any_of(sure.begin(), sure.end(), [&](const FaceDetection& s) {
      return box_iou(s, d) > kBlendIou;
    });
    if (on_sure) continue;
    if (auto f = to_face_box(d, picture.width, picture.height)) found.weak.push_back(*f);
  }
  return found;
}

Result<FaceDetector> FaceDetector::open(const FaceDetectorOptions& options) {
  auto impl = std::make_shared<Impl>();
  if (options.model != FaceModel::kHaar) {
    auto net = BlazeFaceNet::open(model_path(options.model_dir), kBlazeFaceModelSha256);
    if (net) {
      impl->net = std::move(*net);
      impl->name = "BlazeFace";
      return FaceDetector(std::move(impl));
    }
    if (options.model == FaceModel::kBlazeFace) return net.error();
    impl->notices.push_back(fallback_notice(net.error()));
  }
  auto cascades = FaceCascades::open(options.cascade_dir);
  if (!cascades) return cascades.error();
  impl->cascades = std::move(*cascades);
  impl->name = "Haar cascades";
  return FaceDetector(std::move(impl));
}

std::string face_model_problem(const std::string& model_dir) {
  const std::string path = model_path(model_dir);
  auto sum = file_sha256(path);
  if (!sum) {
    return fallback_notice(
        make_error(sum.error().code,
                   "BlazeFace model file missing; run scripts/install-deps to fetch it", path));
  }
  if (*sum != kBlazeFaceModelSha256) {
    return fallback_notice(make_error(
        ErrorCode::kCorrupt,
        "BlazeFace model file does not match its SHA-256 sum; run scripts/install-deps", path));
  }
  return {};
}

const std::string& FaceDetector::model_name() const { return impl_->name; }

const std::vector<std::string>& FaceDetector::notices() const { return impl_->notices; }

FaceSearch FaceDetector::search(const Picture& picture, int analysis_edge, double scale_step,
                                double min_face) const {
  FaceSearch found;
  if (picture.empty()) return found;
  const std::size_t needed = picture.stride() * static_cast<std::size_t>(picture.height);
  if (picture.rgb.size() < needed) {
    found.warnings.push_back(
        fmt::format("face detection skipped: the {}x{} picture holds {} bytes of the {} it needs",
                    picture.width, picture.height, picture.rgb.size(), needed));
    return found;
  }
  if (!impl_) {
    found.warnings.emplace_back("face detection skipped: the face detector is not open");
    return found;
  }
  if (impl_->net) return impl_->blazeface(picture, scale_step, min_face);
  return impl_->cascades->search(picture, analysis_edge, scale_step, min_face);
}

std::vector<FaceBox> FaceDetector::detect(const Picture& picture, int analysis_edge,
                                          double scale_step, double min_face) const {
  return search(picture, analysis_edge, scale_step, min_face).faces;
}

std::vector<Rect> face_rects(const std::vector<FaceBox>& faces) {
  std::vector<Rect> rects;
  rects.reserve(faces.size());
  for (const FaceBox& f : faces) rects.push_back(f.box);
  return rects;
}

}  // namespace saluran
