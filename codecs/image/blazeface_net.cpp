#include "codecs/image/blazeface_net.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

namespace saluran {
namespace {

constexpr const char* kInstallHint = "run scripts/install-deps to fetch it again";

std::string hex(const unsigned char* bytes, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

/// OpenCV's own words for a failure (its description, else the whole message).
std::string cv_reason(const cv::Exception& e) { return e.err.empty() ? e.what() : e.err; }

/// Loads a network from the model's bytes. Throws cv::Exception.
std::unique_ptr<cv::dnn::Net> load_net(const std::vector<char>& bytes) {
  auto net = std::make_unique<cv::dnn::Net>(cv::dnn::readNetFromONNX(bytes.data(), bytes.size()));
  if (net->empty()) throw cv::Exception(cv::Error::StsError, "empty network", "load_net", "", 0);
  return net;
}

/// The square (x, y, side) of `rgb`, black outside, scaled to size x size, as the network's
/// NHWC input: floats in -1..1. Throws cv::Exception (out of memory).
cv::Mat input_blob(const cv::Mat& rgb, double x, double y, double side, int size) {
  cv::Mat canvas(size, size, CV_8UC3, cv::Scalar(0, 0, 0));
  const double scale = size / side;
  const int x0 = std::max(0, static_cast<int>(std::floor(x)));
  const int y0 = std::max(0, static_cast<int>(std::floor(y)));
  const int x1 = std::min(rgb.cols, static_cast<int>(std::ceil(x + side)));
  const int y1 = std::min(rgb.rows, static_cast<int>(std::ceil(y + side)));
  if (x1 > x0 && y1 > y0) {
    const int dx = std::clamp(static_cast<int>(std::lround((x0 - x) * scale)), 0, size - 1);
    const int dy = std::clamp(static_cast<int>(std::lround((y0 - y) * scale)), 0, size - 1);
    const int dw = std::clamp(static_cast<int>(std::lround((x1 - x0) * scale)), 1, size - dx);
    const int dh = std::clamp(static_cast<int>(std::lround((y1 - y0) * scale)), 1, size - dy);
    cv::resize(rgb(cv::Rect(x0, y0, x1 - x0, y1 - y0)), canvas(cv::Rect(dx, dy, dw, dh)),
               cv::Size(dw, dh), 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  cv::Mat floats;
  canvas.convertTo(floats, CV_32FC3, 1.0 / 127.5, -1.0);
  const int dims[4] = {1, size, size, 3};
  return cv::Mat(4, dims, CV_32F, floats.data).clone();
}

}  // namespace

Result<std::string> file_sha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot be opened", path, "sha256");
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<unsigned long long>(in.gcount());
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()), got);
  }
  if (in.bad()) return make_error(ErrorCode::kIo, "could not be read", path, "sha256");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return hex(digest, sizeof digest);
}

struct BlazeFaceNet::Impl {
  std::vector<char> bytes;
  int size = 0;
  std::mutex mutex;  // guards `idle` only
  std::vector<std::unique_ptr<cv::dnn::Net>> idle;
};

Result<BlazeFaceNet> BlazeFaceNet::open(const std::string& path, const std::string& sha256_hex) {
  // Read once: the sum is taken of the very bytes the network is loaded from.
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::kNotFound,
                      fmt::format("BlazeFace model file missing or unreadable; {}", kInstallHint),
                      path, "open");
  }
  auto impl = std::make_shared<Impl>();
  impl->bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return make_error(ErrorCode::kIo, "could not be read", path, "open");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(impl->bytes.data()),
                     impl->bytes.size());
  if (const std::string sum = hex(digest, sizeof digest); sum != sha256_hex) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("BlazeFace model file does not match its SHA-256 sum ({} "
                                  "instead of {}); {}",
                                  sum, sha256_hex, kInstallHint),
                      path, "open");
  }
  impl->size = path.find("128x128") != std::string::npos ? 128 : 256;
  try {
    impl->idle.push_back(load_net(impl->bytes));
  } catch (const cv::Exception& e) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("BlazeFace model could not be loaded: {}", cv_reason(e)), path,
                      "readNetFromONNX");
  }
  return BlazeFaceNet(std::move(impl));
}

int BlazeFaceNet::input_size() const { return impl_->size; }

namespace {

/// The outputs of one forward pass, sorted into layers by their sizes. Throws cv::Exception.
BlazeOutputs forward(cv::dnn::Net& net, const cv::Mat& blob) {
  net.setInput(blob);
  std::vector<cv::Mat> outs;
  net.forward(outs, net.getUnconnectedOutLayersNames());
  BlazeOutputs out;
  for (const cv::Mat& m : outs) {
    const auto* data = reinterpret_cast<const float*>(m.data);
    std::vector<float> values(data, data + m.total());
    const std::size_t n = values.size();
    if (n == 512 || n == 384) out.scores[n == 512 ? 0 : 1] = std::move(values);
    if (n == 512 * 16 || n == 384 * 16) out.boxes[n == 512 * 16 ? 0 : 1] = std::move(values);
  }
  return out;
}

}  // namespace

Result<std::vector<BlazeOutputs>> BlazeFaceNet::run(const Picture& picture,
                                                    const std::vector<Square>& squares) const {
  std::unique_ptr<cv::dnn::Net> net;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (!impl_->idle.empty()) {
      net = std::move(impl_->idle.back());
      impl_->idle.pop_back();
    }
  }
  std::vector<BlazeOutputs> outs;
  try {
    if (!net) net = load_net(impl_->bytes);  // another thread holds every copy
    const cv::Mat rgb(picture.height, picture.width, CV_8UC3,
                      const_cast<std::uint8_t*>(picture.rgb.data()), picture.stride());
    double smallest = 0;
    for (const Square& s : squares) smallest = smallest > 0 ? std::min(smallest, s.side) : s.side;
    // One shrink of the whole picture, so no square is cut from more pixels than it needs.
    const double f = smallest > impl_->size ? impl_->size / smallest : 1.0;
    cv::Mat work = rgb;
    if (f < 1.0) {
      cv::resize(rgb, work,
                 cv::Size(std::max(1, static_cast<int>(std::lround(rgb.cols * f))),
                          std::max(1, static_cast<int>(std::lround(rgb.rows * f)))),
                 0, 0, cv::INTER_AREA);
    }
    for (const Square& s : squares) {
      outs.push_back(forward(*net, input_blob(work, s.x * f, s.y * f, s.side * f, impl_->size)));
    }
  } catch (const cv::Exception& e) {
    return make_error(ErrorCode::kExternal, "face detection failed: " + cv_reason(e), "",
                      "cv::dnn::Net::forward");
  }
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->idle.push_back(std::move(net));
  return outs;
}

}  // namespace saluran
