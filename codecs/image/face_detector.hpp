#pragma once
// Face detection for face-aware cropping: MediaPipe's BlazeFace network (ONNX, run by OpenCV's
// DNN module), with OpenCV's Haar cascades (Debian's opencv-data) as the fallback.
//
//   Result<FaceDetector> detector = FaceDetector::open();   // loads the model once
//   for (const std::string& n : detector->notices()) warn(n); // e.g. the fallback was taken
//   if (!detector) return detector.error();
//   FaceSearch found = detector->search(picture);            // boxes in picture's pixels
//   for (const std::string& w : found.warnings) report(w);   // the detector failed: say so
//   CropRequest request{picture.width, picture.height, 9.0 / 16.0, face_rects(found.faces)};

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/geometry.hpp"
#include "pipeline/model/picture.hpp"

namespace saluran {

/// Where Debian's opencv-data package installs the Haar cascades.
inline constexpr const char* kDefaultCascadeDir = "/usr/share/opencv4/haarcascades";

/// Size ratio between detection passes: thorough (1.1) and OpenCV's default (1.2, twice as fast).
inline constexpr double kThoroughScaleStep = 1.1;
inline constexpr double kFastScaleStep = 1.2;
/// Smallest face detect() looks for by default, as a share of the picture's short edge.
inline constexpr double kSmallestFace = 1.0 / 40;

/// Which detector finds the faces.
enum class FaceModel {
  kAuto,       ///< BlazeFace when its model files are present and intact, else the cascades
               ///< (notices() says why)
  kBlazeFace,  ///< BlazeFace only: open() fails when its model files are missing or altered
  kHaar,       ///< the Haar cascades only (the fallback; kept for comparison)
};

/// Where open() finds its models.
struct FaceDetectorOptions {
  FaceModel model = FaceModel::kAuto;
  std::string model_dir;  ///< BlazeFace's .onnx files; empty: default_face_model_dir()
  std::string cascade_dir = kDefaultCascadeDir;
};

/// Where the BlazeFace model files are looked for: $SALURAN_MODEL_DIR when set, else the
/// installed share folder next to the binary (<prefix>/share/saluran/models), else the source
/// tree's models/ folder that scripts/install-deps fills.
std::string default_face_model_dir();

/// A point in a picture's pixels.
struct FacePoint {
  double x = 0;
  double y = 0;
};

/// BlazeFace's six landmarks, as indexes into FaceBox::landmarks (the person's own right and
/// left: the right eye is on the viewer's left).
enum FaceLandmark : int { kRightEye = 0, kLeftEye, kNoseTip, kMouth, kRightEar, kLeftEar };

/// One detected face.
struct FaceBox {
  Rect box;              ///< in the given picture's pixels
  double score = 0;      ///< BlazeFace: confidence 0..1; cascades: votes summed over merged hits
  bool profile = false;  ///< found only by the profile cascade (a face seen from the side)
  std::vector<FacePoint> landmarks;  ///< BlazeFace's six points (FaceLandmark order), in the
                                     ///< picture's pixels; empty from the cascades
};

/// What one search found, and what kept it from looking.
struct FaceSearch {
  std::vector<FaceBox> faces;  ///< best score first
  /// Plain words on why faces may be missing: the picture was malformed or the detector failed
  /// (OpenCV ran out of memory, cascades could not be loaded for another thread). Empty when
  /// the whole picture was searched, with or without faces.
  std::vector<std::string> warnings;
};

/// Finds faces with OpenCV's Haar cascades from Debian's opencv-data
/// (haarcascade_frontalface_alt2.xml, plus haarcascade_profileface.xml run on the picture and
/// its mirror for faces in profile, plus haarcascade_frontalface_default.xml for small and
/// half-turned faces, whose hits count only when another cascade agrees or the box's middle is
/// skin-toned), merging overlapping detections. The picture is scaled so its long edge is at
/// most `analysis_edge` first (speed); boxes are mapped back.
///
/// Copies share the loaded cascades. detect() is thread-safe: each call borrows a classifier
/// set from a small pool (a cv::CascadeClassifier keeps per-image state, so one instance must
/// not serve two calls at once); the pool grows to the number of concurrent callers.
///
/// With BlazeFace (the default), search() runs the full-range 256x256 model on the whole
/// picture (letterboxed to a square) and, when `min_face` asks for faces smaller than that pass
/// finds reliably (group photos, wide shots), on overlapping square tiles too, then merges the
/// boxes (non-maximum suppression, pipeline/ops/blazeface.hpp); `analysis_edge` does not apply,
/// and kFastScaleStep uses fewer, larger tiles. Each call uses its own network copy from a pool
/// (cv::dnn::Net is not thread-safe).
class FaceDetector {
 public:
  /// Loads the detector `options` asks for. kAuto with missing or altered BlazeFace files gives
  /// the cascades and a notice naming the file and what to run (scripts/install-deps). A missing
  /// or unreadable cascade (or, with kBlazeFace, model file) is a kNotFound / kCorrupt error that
  /// names the file and says what to install.
  static Result<FaceDetector> open(const FaceDetectorOptions& options = {});

  /// "BlazeFace" or "Haar cascades": which detector this is, for messages and the manifest.
  const std::string& model_name() const;

  /// Plain words from open() a user should see once (why the cascades are used); usually empty.
  const std::vector<std::string>& notices() const;

  /// Faces in `picture` (8-bit RGB), best score first, with a warning for each failure that
  /// may have hidden some. An empty picture gives none and no warning; a malformed one (fewer
  /// bytes than width * height * 3) none and a warning. A failure while searching (OpenCV's
  /// cv::Exception) gives no faces and a warning, never an exception.
  /// `analysis_edge` <= 0 analyses the picture at full size.
  /// `scale_step` is the size ratio between detection passes: kThoroughScaleStep finds a few
  /// more small faces in group photos, kFastScaleStep takes half the time (renders, video).
  /// `min_face` is the smallest face looked for, as a share of the picture's short edge (the
  /// cascades' own 20 pixels at least): the smallest faces cost the most time to look for.
  FaceSearch search(const Picture& picture, int analysis_edge = 800,
                    double scale_step = kThoroughScaleStep, double min_face = kSmallestFace) const;

  /// search(...).faces: the faces alone, for callers that have nowhere to report a warning.
  std::vector<FaceBox> detect(const Picture& picture, int analysis_edge = 800,
                              double scale_step = kThoroughScaleStep,
                              double min_face = kSmallestFace) const;

  struct Impl;  ///< the cascades and the pool (OpenCV types stay in face_detector.cpp)

 private:
  explicit FaceDetector(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

/// The boxes of `faces`, as choose_crop takes them.
std::vector<Rect> face_rects(const std::vector<FaceBox>& faces);

}  // namespace saluran
