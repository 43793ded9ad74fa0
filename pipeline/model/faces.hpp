#pragma once
// Faces found in a picture: plain values shared by the detectors (codecs/image) and the
// framing code (pipeline/ops, pipeline/stages).

#include <string>
#include <vector>

#include "pipeline/model/geometry.hpp"

namespace saluran {

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
  /// BlazeFace's unsure detections (score from kWeakFaceScore up to the kept faces' threshold)
  /// that overlap no kept face, best first: too unsure to stand alone (a hand, a pattern), good
  /// enough to follow a face already seen through a turn or out of the frame (video tracking).
  /// Empty from the cascades.
  std::vector<FaceBox> weak;
  /// Plain words on why faces may be missing: the picture was malformed or the detector failed
  /// (OpenCV ran out of memory, a model could not be loaded for another thread). Empty when
  /// the whole picture was searched, with or without faces.
  std::vector<std::string> warnings;
};

}  // namespace saluran
