#pragma once
// A focal point: where a crop window should centre.

namespace saluran {

/// Where a crop window should centre, as fractions 0..1 of the upright picture; the smart-crop
/// kernel supplies it, a person sets it (`saluran focus`, `render --focus`), a centred crop
/// uses 0.5, 0.5.
struct FocusPoint {
  double x = 0.5;
  double y = 0.5;
};

}  // namespace saluran
