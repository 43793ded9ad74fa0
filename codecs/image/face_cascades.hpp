#pragma once
// OpenCV's Haar cascades (Debian's opencv-data): the fallback face detector when BlazeFace's
// model files are missing. Use it through FaceDetector (pipeline/stages/face_detector.hpp).
//
//   auto cascades = FaceCascades::open("/usr/share/opencv4/haarcascades");
//   FaceSearch found = cascades->search(picture, 800, 1.1, 1.0 / 40);

#include <memory>
#include <string>

#include "pipeline/model/error.hpp"
#include "pipeline/model/faces.hpp"
#include "pipeline/model/picture.hpp"

namespace saluran {

/// Finds faces with haarcascade_frontalface_alt2.xml, plus haarcascade_profileface.xml run on
/// the picture and its mirror for faces in profile, plus haarcascade_frontalface_default.xml
/// for small and half-turned faces, whose hits count only when another cascade agrees or the
/// box's middle is skin-toned, merging overlapping detections. The picture is scaled so its
/// long edge is at most `analysis_edge` first (speed); boxes are mapped back.
///
/// Copies share the loaded cascades. search() is thread-safe: each call borrows a classifier
/// set from a small pool (a cv::CascadeClassifier keeps per-image state); the pool grows to
/// the number of concurrent callers.
class FaceCascades {
 public:
  /// Loads the three cascades from `cascade_dir`. A missing or unreadable cascade is a
  /// kNotFound / kCorrupt error that names the file and says to install opencv-data.
  static Result<FaceCascades> open(const std::string& cascade_dir);

  /// Faces in `picture` (8-bit RGB, well formed), best score first; a failure while searching
  /// (OpenCV's cv::Exception) gives no faces and a warning, never an exception. `scale_step`
  /// is the size ratio between detection passes (1.1 thorough, 1.2 twice as fast); `min_face`
  /// the smallest face looked for, as a share of the short edge (20 pixels at least).
  FaceSearch search(const Picture& picture, int analysis_edge, double scale_step,
                    double min_face) const;

  struct Impl;  ///< the cascades and the pool (OpenCV types stay in face_cascades.cpp)

 private:
  explicit FaceCascades(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace saluran
