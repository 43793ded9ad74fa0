#pragma once
// How sharp a region of a picture is: the variance of the Laplacian of its luma, measured at a
// fixed size so a large face and a small one compare fairly (a large face is shrunk, which
// sharpens it as the eye sees it on a small screen; a small blurred face stays blurred).
//
//   double s = region_sharpness(frame, face.box);   // 0 for an empty or malformed region

#include "pipeline/model/geometry.hpp"
#include "pipeline/model/picture.hpp"

namespace saluran {

/// Side of the square every region is resized to before it is measured.
inline constexpr int kSharpnessSide = 64;

/// The variance of the Laplacian of the luma of `region` (clipped to `picture`), resized to
/// kSharpnessSide x kSharpnessSide: higher is sharper. 0 when the region has nothing inside the
/// picture or the picture is malformed.
double region_sharpness(const Picture& picture, const Rect& region);

}  // namespace saluran
