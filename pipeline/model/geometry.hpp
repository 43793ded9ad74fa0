#pragma once
// Plain geometry values shared by every layer: a pixel rectangle and a frame rate.

namespace saluran {

/// A window inside the scaled picture (fill crops) or the output frame (fit pads).
struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
  bool operator==(const Rect&) const = default;
};

/// A frame rate as a fraction (30000/1001).
struct Rate {
  int num = 0;
  int den = 1;
  double value() const { return den == 0 ? 0.0 : static_cast<double>(num) / den; }
  bool operator==(const Rate&) const = default;
};

}  // namespace saluran
