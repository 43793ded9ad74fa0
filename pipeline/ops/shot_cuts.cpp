#include "pipeline/ops/shot_cuts.hpp"

#include <algorithm>
#include <cmath>

namespace saluran {
namespace {

constexpr int kGrid = 4;
constexpr int kBins = 8;
constexpr int kPerCell = kBins + 2;  // histogram, mean Cb, mean Cr
constexpr std::size_t kSignatureSize = static_cast<std::size_t>(kGrid * kGrid * kPerCell);
// How far back and ahead a cut candidate is compared, to tell a cut from a flash.
constexpr std::size_t kFlashReach = 3;

double median_of(std::vector<double>& v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

}  // namespace

FrameSignature frame_signature(const Picture& small_frame) {
  FrameSignature sig;
  const Picture& p = small_frame;
  if (p.empty() || p.rgb.size() < p.stride() * static_cast<std::size_t>(p.height)) return sig;
  sig.values.assign(kSignatureSize, 0.0f);
  std::vector<double> acc(kSignatureSize, 0.0);
  std::vector<double> count(static_cast<std::size_t>(kGrid * kGrid), 0.0);
  for (int y = 0; y < p.height; ++y) {
    const int cy = std::min(kGrid - 1, y * kGrid / p.height);
    const std::uint8_t* row = p.pixel(0, y);
    for (int x = 0; x < p.width; ++x) {
      const int cx = std::min(kGrid - 1, x * kGrid / p.width);
      const std::size_t cell = static_cast<std::size_t>(cy * kGrid + cx);
      const double r = row[x * 3];
      const double g = row[x * 3 + 1];
      const double b = row[x * 3 + 2];
      const double luma = 0.299 * r + 0.587 * g + 0.114 * b;
      // Soft binning: a pixel near a bin edge counts in both bins, so that a small change of
      // brightness (a fade, noise) moves the histogram smoothly instead of in jumps.
      const double pos = std::clamp(luma / 256.0 * kBins - 0.5, 0.0, kBins - 1.0);
      const int lo = static_cast<int>(pos);
      const int hi = std::min(kBins - 1, lo + 1);
      const double frac = pos - lo;
      double* cellv = acc.data() + cell * kPerCell;
      cellv[lo] += 1.0 - frac;
      cellv[hi] += frac;
      cellv[kBins] += (b - luma) * 0.564 / 255.0;      // Cb, -0.5..0.5
      cellv[kBins + 1] += (r - luma) * 0.713 / 255.0;  // Cr
      count[cell] += 1.0;
    }
  }
  for (std::size_t cell = 0; cell < count.size(); ++cell) {
    if (count[cell] <= 0) continue;
    for (int k = 0; k < kPerCell; ++k) {
      sig.values[cell * kPerCell + static_cast<std::size_t>(k)] =
          static_cast<float>(acc[cell * kPerCell + static_cast<std::size_t>(k)] / count[cell]);
    }
  }
  return sig;
}

double signature_distance(const FrameSignature& a, const FrameSignature& b) {
  if (a.values.size() != kSignatureSize || b.values.size() != kSignatureSize) return 1.0;
  double total = 0;
  for (std::size_t cell = 0; cell < static_cast<std::size_t>(kGrid * kGrid); ++cell) {
    const float* va = a.values.data() + cell * kPerCell;
    const float* vb = b.values.data() + cell * kPerCell;
    double hist = 0;
    for (int k = 0; k < kBins; ++k) hist += std::abs(va[k] - vb[k]);
    const double chroma = std::abs(va[kBins] - vb[kBins]) + std::abs(va[kBins + 1] - vb[kBins + 1]);
    // Histograms each sum to 1, so half their L1 distance is 0..1; a chroma shift of 0.25 is
    // already a different colour.
    total += 0.75 * (hist / 2.0) + 0.25 * std::min(1.0, chroma * 4.0);
  }
  return total / (kGrid * kGrid);
}

std::vector<std::size_t> find_shot_starts(const std::vector<FrameSignature>& frames,
                                          const ShotCutOptions& options) {
  std::vector<std::size_t> starts;
  const std::size_t n = frames.size();
  if (n == 0) return starts;
  starts.push_back(0);
  std::vector<double> d(n, 0.0);
  for (std::size_t i = 1; i < n; ++i) d[i] = signature_distance(frames[i - 1], frames[i]);

  struct Cut {
    std::size_t index;
    double strength;
  };
  std::vector<Cut> cuts;
  std::vector<double> local;
  for (std::size_t i = 1; i < n; ++i) {
    if (d[i] < options.min_distance) continue;
    local.clear();
    const std::size_t from = i > options.window ? i - options.window : 1;
    const std::size_t to = std::min(n - 1, i + options.window);
    for (std::size_t k = from; k <= to; ++k) {
      if (k != i) local.push_back(d[k]);
    }
    const double median = median_of(local);
    if (d[i] < options.median_factor * median) continue;  // steady fast motion, a long fade
    // A flash (or a one-frame glitch) returns to what was before: some frame after the
    // candidate still looks like a frame before it. Across a real cut, none does.
    double closest = d[i];
    for (std::size_t a = i >= kFlashReach ? i - kFlashReach : 0; a < i; ++a) {
      for (std::size_t b = i; b < std::min(n, i + kFlashReach); ++b) {
        closest = std::min(closest, signature_distance(frames[a], frames[b]));
      }
    }
    if (closest < options.flash_ratio * d[i]) continue;
    const double strength = d[i] - median;
    if (!cuts.empty() && i - cuts.back().index < options.min_shot) {
      if (strength > cuts.back().strength) cuts.back() = {i, strength};
      continue;
    }
    cuts.push_back({i, strength});
  }
  for (const Cut& c : cuts) starts.push_back(c.index);
  return starts;
}

}  // namespace saluran
