#pragma once
// Face detection for face-aware cropping: MediaPipe's BlazeFace network (ONNX, run by OpenCV's
// DNN module in codecs/image/blazeface_net, decoded by pipeline/ops/blazeface), with OpenCV's
// Haar cascades (codecs/image/face_cascades) as the fallback.
//
//   Result<FaceDetector> detector = FaceDetector::open();   // loads the model once
//   for (const std::string& n : detector->notices()) warn(n); // e.g. the fallback was taken
//   FaceSearch found = detector->search(picture);            // boxes in picture's pixels
//   for (const std::string& w : found.warnings) report(w);   // the detector failed: say so
//   CropRequest request{picture.width, picture.height, 9.0 / 16.0, face_rects(found.faces)};

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/faces.hpp"
#include "pipeline/model/geometry.hpp"
#include "pipeline/model/picture.hpp"

namespace saluran {

/// Where Debian's opencv-data package installs the Haar cascades.
inline constexpr const char* kDefaultCascadeDir = "/usr/share/opencv4/haarcascades";

/// Effort between thorough (1.1: the cascades' size ratio between passes; BlazeFace: up to 3
/// levels of tiles) and fast (1.2: twice as fast; BlazeFace: at most 2 levels of tiles).
inline constexpr double kThoroughScaleStep = 1.1;
inline constexpr double kFastScaleStep = 1.2;
/// Smallest face detect() looks for by default, as a share of the picture's short edge.
inline constexpr double kSmallestFace = 1.0 / 40;

/// BlazeFace's confidence for a face on its own, and for an unsure detection (FaceSearch::weak)
/// that may only continue a face already seen: on the labelled photos every face scores 0.78 or
/// more and every hand, leaf or fabric taken for a face 0.65 or less; a close-up turning to
/// profile falls from 0.7 to about 0.45 before BlazeFace loses it.
inline constexpr double kFaceScore = 0.7;
inline constexpr double kWeakFaceScore = 0.45;

/// BlazeFace's full-range model (256x256 input) as scripts/install-deps fetches it, and its
/// SHA-256 (also in models/blazeface.sha256, which install-deps checks).
inline constexpr const char* kBlazeFaceModelFile = "face_detection_back_256x256_barracuda.onnx";
inline constexpr const char* kBlazeFaceModelSha256 =
    "427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2";

/// Which detector finds the faces.
enum class FaceModel {
  kAuto,       ///< BlazeFace when its model file is present and intact, else the cascades
               ///< (notices() says why)
  kBlazeFace,  ///< BlazeFace only: open() fails when its model file is missing or altered
  kHaar,       ///< the Haar cascades only (the fallback; kept for comparison)
};

/// Where open() finds its models.
struct FaceDetectorOptions {
  FaceModel model = FaceModel::kAuto;
  std::string model_dir;  ///< BlazeFace's .onnx file; empty: default_face_model_dir()
  std::string cascade_dir = kDefaultCascadeDir;
};

/// Where the BlazeFace model file is looked for: $SALURAN_MODEL_DIR when set, else the
/// installed share folder beside the binary (<prefix>/share/saluran/models/blazeface), else the
/// source tree's models/blazeface folder that scripts/install-deps fills.
std::string default_face_model_dir();

/// Plain words on why BlazeFace cannot be used (its model file is missing or altered, and what
/// to run), or empty when it can: a cheap check (the file's sum, no network loaded) for a
/// message once at the start of a run. `model_dir` empty: default_face_model_dir().
std::string face_model_problem(const std::string& model_dir = {});

/// Finds faces. With BlazeFace (the default), search() runs the full-range 256x256 model on the
/// whole picture (letterboxed to a square) and, when `min_face` asks for faces smaller than
/// that pass sees (group photos, wide shots), on overlapping square tiles too, then blends the
/// boxes of one face into one (pipeline/ops/blazeface.hpp); `analysis_edge` applies to the
/// cascades only. Copies share the loaded model; search() is thread-safe.
class FaceDetector {
 public:
  /// Loads the detector `options` asks for. kAuto with a missing or altered BlazeFace file gives
  /// the cascades and a notice naming the file and what to run (scripts/install-deps). A missing
  /// or unreadable cascade (or, with kBlazeFace, model file) is a kNotFound / kCorrupt error
  /// that names the file and says what to install.
  static Result<FaceDetector> open(const FaceDetectorOptions& options = {});

  /// "BlazeFace" or "Haar cascades": which detector this is, for messages and the manifest.
  const std::string& model_name() const;

  /// Plain words from open() a user should see once (why the cascades are used); usually empty.
  const std::vector<std::string>& notices() const;

  /// Faces in `picture` (8-bit RGB), best score first, with a warning for each failure that
  /// may have hidden some. An empty picture gives none and no warning; a malformed one (fewer
  /// bytes than width * height * 3) none and a warning. A failure while searching gives no
  /// faces and a warning, never an exception. `analysis_edge` <= 0: the cascades analyse the
  /// picture at full size. `scale_step`: kThoroughScaleStep or kFastScaleStep (see above).
  /// `min_face` is the smallest face looked for, as a share of the picture's short edge: the
  /// smallest faces cost the most time to look for.
  FaceSearch search(const Picture& picture, int analysis_edge = 800,
                    double scale_step = kThoroughScaleStep, double min_face = kSmallestFace) const;

  /// search(...).faces: the faces alone, for callers that have nowhere to report a warning.
  std::vector<FaceBox> detect(const Picture& picture, int analysis_edge = 800,
                              double scale_step = kThoroughScaleStep,
                              double min_face = kSmallestFace) const;

  struct Impl;  ///< the network or the cascades

 private:
  explicit FaceDetector(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

/// The boxes of `faces`, as choose_crop takes them.
std::vector<Rect> face_rects(const std::vector<FaceBox>& faces);

}  // namespace saluran
