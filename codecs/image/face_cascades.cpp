#include "codecs/image/face_cascades.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "pipeline/model/colour.hpp"

namespace saluran {
namespace {

constexpr const char* kFrontalFile = "haarcascade_frontalface_alt2.xml";
constexpr const char* kProfileFile = "haarcascade_profileface.xml";
// A third opinion: more sensitive to small and half-turned faces in group photos than alt2,
// but it also fires on hands and fabric, so its faces must look like skin unless another
// cascade agrees.
constexpr const char* kSensitiveFile = "haarcascade_frontalface_default.xml";

constexpr int kFrontalNeighbours = 3;
// The profile cascade fires more often on texture; it needs more votes to count.
constexpr int kProfileNeighbours = 5;
constexpr int kSensitiveNeighbours = 4;
// Share of skin-toned pixels in the middle of a box for the sensitive cascade's face to count.
constexpr double kMinSkinShare = 0.25;
constexpr int kMinFacePixels = 20;  // the cascades' own window is 20x20 (profile 20x20 too)

/// One set of classifiers: cv::CascadeClassifier keeps per-image state in detectMultiScale,
/// so a set serves one call at a time.
struct Cascades {
  cv::CascadeClassifier frontal;
  cv::CascadeClassifier profile;
  cv::CascadeClassifier sensitive;
};

Result<std::unique_ptr<Cascades>> load_cascades(const std::string& dir) {
  auto set = std::make_unique<Cascades>();
  for (const auto& [classifier, name] :
       {std::pair{&set->frontal, kFrontalFile}, std::pair{&set->profile, kProfileFile},
        std::pair{&set->sensitive, kSensitiveFile}}) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return make_error(ErrorCode::kNotFound,
                        "face cascade not found; install the opencv-data package "
                        "(apt-get install opencv-data) or pass the folder that holds it",
                        path, "CascadeClassifier::load");
    }
    bool loaded = false;
    try {
      loaded = classifier->load(path);
    } catch (const cv::Exception& e) {
      return make_error(ErrorCode::kCorrupt, "face cascade could not be read: " + e.msg, path,
                        "CascadeClassifier::load");
    }
    if (!loaded || classifier->empty()) {
      return make_error(ErrorCode::kCorrupt,
                        "face cascade could not be read; reinstall the opencv-data package", path,
                        "CascadeClassifier::load");
    }
  }
  return set;
}

enum class Source { kFrontal, kProfile, kSensitive };

struct Candidate {
  cv::Rect box;
  double score = 0;
  Source source = Source::kFrontal;
  bool confirmed = false;  ///< another cascade found it too
};

double overlap_of_smaller(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  const double smaller = std::min(a.area(), b.area());
  return smaller > 0 ? inter / smaller : 0.0;
}

double iou(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  const double uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0;
}

/// Frontal and profile hits of one face overlap; keep the best-voted box and add the votes.
std::vector<Candidate> merge_overlapping(std::vector<Candidate> all) {
  std::stable_sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
    if (a.source != b.source) return a.source < b.source;  // alt2 frames a face best
    return a.score > b.score;
  });
  std::vector<Candidate> kept;
  for (const Candidate& c : all) {
    auto same = std::find_if(kept.begin(), kept.end(), [&](const Candidate& k) {
      return iou(k.box, c.box) > 0.3 || overlap_of_smaller(k.box, c.box) > 0.6;
    });
    if (same == kept.end()) {
      kept.push_back(c);
    } else {
      same->score += c.score;
      if (same->source != c.source) same->confirmed = true;
    }
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  return kept;
}

void run_cascade(cv::CascadeClassifier& classifier, const cv::Mat& gray, double scale_step,
                 int neighbours, cv::Size min_size, bool mirrored, Source source,
                 std::vector<Candidate>& out) {
  std::vector<cv::Rect> boxes;
  std::vector<int> votes;
  classifier.detectMultiScale(gray, boxes, votes, scale_step, neighbours, 0, min_size);
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    cv::Rect b = boxes[i];
    if (mirrored) b.x = gray.cols - b.x - b.width;
    out.push_back({b, i < votes.size() ? static_cast<double>(votes[i]) : 1.0, source, false});
  }
}

/// Share of skin-toned pixels in the middle of `box` (eyes to mouth, away from hair and
/// background). A picture without colour gives 1: the test cannot judge it.
double skin_share(const cv::Mat& rgb, const cv::Rect& box) {
  const cv::Rect middle =
      cv::Rect(box.x + box.width / 5, box.y + box.height / 4, box.width * 3 / 5, box.height / 2) &
      cv::Rect(0, 0, rgb.cols, rgb.rows);
  int skin = 0;
  int coloured = 0;
  for (int y = middle.y; y < middle.y + middle.height; ++y) {
    const std::uint8_t* row = rgb.ptr<std::uint8_t>(y);
    for (int x = middle.x; x < middle.x + middle.width; ++x) {
      const std::uint8_t* p = row + x * 3;
      if (std::max({p[0], p[1], p[2]}) - std::min({p[0], p[1], p[2]}) > 12) ++coloured;
      if (skin_tone(p[0], p[1], p[2]) > 0) ++skin;
    }
  }
  const int n = std::max(1, middle.area());
  if (coloured < n / 10) return 1.0;
  return double(skin) / n;
}

/// OpenCV's own words for a failure (its description, else the whole message).
std::string cv_reason(const cv::Exception& e) { return e.err.empty() ? e.what() : e.err; }

/// The picture at analysis size (`scale` <= 1), and its equalised grey copy. Throws
/// cv::Exception (out of memory).
void prepare(const cv::Mat& rgb, double scale, cv::Mat& small_rgb, cv::Mat& small_gray) {
  if (scale < 1.0) {
    const cv::Size size(std::max(1, static_cast<int>(std::lround(rgb.cols * scale))),
                        std::max(1, static_cast<int>(std::lround(rgb.rows * scale))));
    cv::resize(rgb, small_rgb, size, 0, 0, cv::INTER_AREA);
  } else {
    small_rgb = rgb;
  }
  cv::cvtColor(small_rgb, small_gray, cv::COLOR_RGB2GRAY);
  cv::equalizeHist(small_gray, small_gray);
}

/// Every cascade's hits on `gray`. Throws cv::Exception (out of memory).
std::vector<Candidate> run_cascades(Cascades& set, const cv::Mat& gray, double scale_step,
                                    double min_face) {
  std::vector<Candidate> candidates;
  const int min_side = std::max(kMinFacePixels, static_cast<int>(std::clamp(min_face, 0.0, 1.0) *
                                                                 std::min(gray.cols, gray.rows)));
  const cv::Size min_size(min_side, min_side);
  run_cascade(set.frontal, gray, scale_step, kFrontalNeighbours, min_size, false, Source::kFrontal,
              candidates);
  // haarcascade_profileface finds faces turned to one side only; the mirror finds the other.
  run_cascade(set.profile, gray, scale_step, kProfileNeighbours, min_size, false, Source::kProfile,
              candidates);
  cv::Mat mirrored;
  cv::flip(gray, mirrored, 1);
  run_cascade(set.profile, mirrored, scale_step, kProfileNeighbours, min_size, true,
              Source::kProfile, candidates);
  run_cascade(set.sensitive, gray, scale_step, kSensitiveNeighbours, min_size, false,
              Source::kSensitive, candidates);
  return candidates;
}

/// The merged candidates that count, mapped from analysis size (`small_rgb`) back to the
/// picture's pixels.
std::vector<FaceBox> to_faces(std::vector<Candidate> candidates, const cv::Mat& small_rgb,
                              int width, int height) {
  const double sx = double(width) / small_rgb.cols;
  const double sy = double(height) / small_rgb.rows;
  std::vector<FaceBox> faces;
  for (const Candidate& c : merge_overlapping(std::move(candidates))) {
    if (c.source == Source::kSensitive && !c.confirmed &&
        skin_share(small_rgb, c.box) < kMinSkinShare) {
      continue;
    }
    const int x0 = std::clamp(static_cast<int>(std::lround(c.box.x * sx)), 0, width);
    const int y0 = std::clamp(static_cast<int>(std::lround(c.box.y * sy)), 0, height);
    const int x1 =
        std::clamp(static_cast<int>(std::lround((c.box.x + c.box.width) * sx)), 0, width);
    const int y1 =
        std::clamp(static_cast<int>(std::lround((c.box.y + c.box.height) * sy)), 0, height);
    if (x1 <= x0 || y1 <= y0) continue;
    faces.push_back({Rect{x0, y0, x1 - x0, y1 - y0}, c.score, c.source == Source::kProfile, {}});
  }
  return faces;
}

}  // namespace

struct FaceCascades::Impl {
  std::string dir;
  std::mutex mutex;  // guards `idle` only; detection runs unlocked on a borrowed set
  std::vector<std::unique_ptr<Cascades>> idle;

  Result<std::unique_ptr<Cascades>> borrow() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        auto set = std::move(idle.back());
        idle.pop_back();
        return set;
      }
    }
    // Another thread holds every set: load one more (tens of ms, once per extra thread).
    return load_cascades(dir);
  }

  void give_back(std::unique_ptr<Cascades> set) {
    if (!set) return;
    std::lock_guard<std::mutex> lock(mutex);
    idle.push_back(std::move(set));
  }
};

Result<FaceCascades> FaceCascades::open(const std::string& cascade_dir) {
  auto impl = std::make_shared<Impl>();
  impl->dir = cascade_dir;
  auto first = load_cascades(impl->dir);
  if (!first) return first.error();
  impl->idle.push_back(std::move(first.value()));
  return FaceCascades(std::move(impl));
}

FaceSearch FaceCascades::search(const Picture& picture, int analysis_edge, double scale_step,
                                double min_face) const {
  FaceSearch found;
  // OpenCV only reads through this header; the picture is not modified.
  const cv::Mat rgb(picture.height, picture.width, CV_8UC3,
                    const_cast<std::uint8_t*>(picture.rgb.data()), picture.stride());
  const int long_edge = std::max(picture.width, picture.height);
  const double scale =
      analysis_edge > 0 && long_edge > analysis_edge ? double(analysis_edge) / long_edge : 1.0;
  cv::Mat small_rgb;
  cv::Mat small_gray;
  try {
    prepare(rgb, scale, small_rgb, small_gray);
  } catch (const cv::Exception& e) {
    // Out of memory or a malformed picture: no faces rather than a crash, and say why.
    found.warnings.push_back("face detection failed while preparing the picture: " + cv_reason(e));
    return found;
  }

  auto set = impl_->borrow();
  if (!set) {
    found.warnings.push_back("face detection skipped: " + set.error().to_string());
    return found;
  }
  std::vector<Candidate> candidates;
  try {
    candidates =
        run_cascades(*set.value(), small_gray, std::clamp(scale_step, 1.01, 2.0), min_face);
  } catch (const cv::Exception& e) {
    candidates.clear();
    found.warnings.push_back("face detection failed while searching the picture: " + cv_reason(e));
  }
  impl_->give_back(std::move(set.value()));
  found.faces = to_faces(std::move(candidates), small_rgb, picture.width, picture.height);
  return found;
}

}  // namespace saluran
