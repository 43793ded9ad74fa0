#include "codecs/image/sharpness.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdint>

namespace saluran {

double region_sharpness(const Picture& picture, const Rect& region) {
  if (picture.empty() ||
      picture.rgb.size() < picture.stride() * static_cast<std::size_t>(picture.height))
    return 0;
  const int x0 = std::clamp(region.x, 0, picture.width);
  const int y0 = std::clamp(region.y, 0, picture.height);
  const int x1 = std::clamp(region.x + region.width, 0, picture.width);
  const int y1 = std::clamp(region.y + region.height, 0, picture.height);
  if (x1 - x0 < 3 || y1 - y0 < 3) return 0;
  // A view of the picture's own buffer: OpenCV only reads it here.
  const cv::Mat whole(picture.height, picture.width, CV_8UC3,
                      const_cast<std::uint8_t*>(picture.rgb.data()), picture.stride());
  cv::Mat grey;
  cv::cvtColor(whole(cv::Rect(x0, y0, x1 - x0, y1 - y0)), grey, cv::COLOR_RGB2GRAY);
  cv::Mat fixed;
  const bool shrinking = x1 - x0 >= kSharpnessSide && y1 - y0 >= kSharpnessSide;
  cv::resize(grey, fixed, cv::Size(kSharpnessSide, kSharpnessSide), 0, 0,
             shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Mat laplacian;
  cv::Laplacian(fixed, laplacian, CV_64F);
  cv::Scalar mean;
  cv::Scalar deviation;
  cv::meanStdDev(laplacian, mean, deviation);
  return deviation[0] * deviation[0];
}

}  // namespace saluran
