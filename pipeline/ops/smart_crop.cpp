#include "pipeline/ops/smart_crop.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iterator>
#include <numeric>

#include <fmt/format.h>

namespace saluran {
namespace {

// Room kept around a face box so hair and chin stay in the picture (thumbor raises the top by
// 12%; a detector's box also sits tight on the chin).
constexpr double kPadTop = 0.15;
constexpr double kPadSide = 0.10;
constexpr double kPadBottom = 0.10;
// How far the faces' placement leans towards the most attention when the
// window has room to spare around them.
constexpr double kLean = 0.3;
// Content near the window's edge counts this much less than content at its centre.
constexpr double kEdgeDiscount = 0.3;
// A uniform map prefers the centred window; content outweighs this easily.
constexpr double kCentreBias = 0.05;
// With the eyes known, a window sliding up and down puts them on its upper third line, and
// keeps them no lower than this share of its height when it can.
constexpr double kEyesAtMost = 0.4;

/// A face along the axis the window can slide on: raw and padded extents, in pixels.
struct FaceSpan {
  int a = 0;  ///< start
  int b = 0;  ///< end (exclusive)
  int pa = 0;
  int pb = 0;
  std::int64_t area = 0;  ///< of the raw box, for "largest group"
  double eye = -1;        ///< where its eyes are along the free axis; -1: not known
};

/// How a face set fares with the window at one position.
struct Fit {
  std::int64_t inside_area = 0;  ///< raw boxes wholly inside
  int inside = 0;
  int padded_inside = 0;
  std::int64_t padded_inside_area = 0;
  int cut = 0;  ///< raw boxes the edge cuts through
  int padded_cut = 0;
  double severity = 0;         ///< how much of the cut faces is on the smaller side of the edge
  double padded_severity = 0;  ///< the same for the padded boxes
};

bool inside(int a, int b, int p, int length) { return a >= p && b <= p + length; }
bool cut(int a, int b, int p, int length) {
  return a < p + length && b > p && !inside(a, b, p, length);
}

Fit evaluate(const std::vector<FaceSpan>& faces, int p, int length) {
  Fit fit;
  for (const FaceSpan& f : faces) {
    if (inside(f.a, f.b, p, length)) {
      ++fit.inside;
      fit.inside_area += f.area;
    } else if (cut(f.a, f.b, p, length)) {
      ++fit.cut;
      const int in = std::min(f.b, p + length) - std::max(f.a, p);
      const int out = (f.b - f.a) - in;
      fit.severity += double(std::min(in, out)) / std::max(1, f.b - f.a) * double(f.area);
    }
    if (inside(f.pa, f.pb, p, length)) {
      ++fit.padded_inside;
      fit.padded_inside_area += f.area;
    } else if (cut(f.pa, f.pb, p, length)) {
      ++fit.padded_cut;
      const int in = std::min(f.pb, p + length) - std::max(f.pa, p);
      const int out = (f.pb - f.pa) - in;
      fit.padded_severity += double(std::min(in, out)) / std::max(1, f.pb - f.pa) * double(f.area);
    }
  }
  return fit;
}

/// Keeps the positions whose `key` is best (largest); ties within `tolerance` stay.
void keep_best(std::vector<int>& positions, const std::function<double(int)>& key,
               double tolerance = 0.0) {
  if (positions.empty()) return;
  double best = key(positions.front());
  for (int p : positions) best = std::max(best, key(p));
  std::erase_if(positions, [&](int p) { return key(p) < best - tolerance; });
}

/// The position in `positions` nearest `target` (the first on a tie).
int nearest(const std::vector<int>& positions, double target) {
  int best = positions.front();
  for (int p : positions) {
    if (std::abs(p - target) < std::abs(best - target)) best = p;
  }
  return best;
}

/// Attention inside the window at every position 0..slack along the free axis, with content
/// near the window's edge discounted and a slight preference for the centre. Empty when the
/// map is missing, malformed or blank.
std::vector<double> attention_scores(const AttentionMap* map, bool horizontal, int extent,
                                     int length, int slack) {
  if (map == nullptr || map->empty() ||
      map->values.size() != static_cast<std::size_t>(map->width) * map->height) {
    return {};
  }
  // The window spans the whole other axis, so only line sums along the free axis matter.
  const int cells = horizontal ? map->width : map->height;
  const int across = horizontal ? map->height : map->width;
  std::vector<double> line(cells, 0.0);
  double total = 0;
  for (int i = 0; i < cells; ++i) {
    for (int j = 0; j < across; ++j) {
      const float v = horizontal ? map->at(i, j) : map->at(j, i);
      line[i] += std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
    }
    total += line[i];
  }
  if (total <= 1e-6) return {};

  const double cell = double(extent) / cells;
  std::vector<double> scores(slack + 1, 0.0);
  for (int p = 0; p <= slack; ++p) {
    double sum = 0;
    for (int i = 0; i < cells; ++i) {
      const double c0 = i * cell;
      const double c1 = c0 + cell;
      const double overlap = std::min(c1, double(p + length)) - std::max(c0, double(p));
      if (overlap <= 0) continue;
      const double u = std::clamp(((c0 + c1) / 2 - p) / length, 0.0, 1.0);
      const double importance = 1.0 - kEdgeDiscount * (2 * u - 1) * (2 * u - 1);
      sum += line[i] * (overlap / cell) * importance;
    }
    const double off_centre = slack > 0 ? std::abs(p - slack / 2.0) / (slack / 2.0) : 0.0;
    scores[p] = sum * (1.0 - kCentreBias * off_centre);
  }
  return scores;
}

int thirds_position(bool horizontal, int slack) {
  // Across: centred. Down: a third of the slack above, two thirds below, so the window's
  // upper third line sits on the picture's (where heads and horizons usually are).
  return horizontal ? (slack + 1) / 2 : slack / 3;
}

std::string plural(int n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

/// The axis the window slides along (it spans the whole of the other axis).
struct Slide {
  bool horizontal = false;  ///< the window slides left-right
  int extent = 0;           ///< the picture's size along the free axis
  int length = 0;           ///< the window's size along it
  int slack = 0;            ///< extent - length: the window's positions are 0..slack
};

Slide slide_of(int width, int height, const Rect& window) {
  Slide s;
  s.horizontal = window.width < width;
  s.extent = s.horizontal ? width : height;
  s.length = s.horizontal ? window.width : window.height;
  s.slack = s.extent - s.length;
  return s;
}

/// Moves the window to position `p` (clamped) on the free axis.
void place(Rect& window, const Slide& s, int p) {
  p = std::clamp(p, 0, s.slack);
  if (s.horizontal) {
    window.x = p;
  } else {
    window.y = p;
  }
}

/// The face boxes as spans on the free axis, clipped to the picture and padded for hair and
/// chin; boxes with nothing inside the picture are left out.
std::vector<FaceSpan> face_spans(const std::vector<Rect>& boxes, const std::vector<EyePoint>& eyes,
                                 int width, int height, const Slide& s) {
  std::vector<FaceSpan> faces;
  const bool eyes_known = eyes.size() == boxes.size();
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const Rect& r = boxes[i];
    const int x0 = std::clamp(r.x, 0, width);
    const int y0 = std::clamp(r.y, 0, height);
    const int x1 = std::clamp(r.x + std::max(0, r.width), 0, width);
    const int y1 = std::clamp(r.y + std::max(0, r.height), 0, height);
    if (x1 <= x0 || y1 <= y0) continue;
    FaceSpan f;
    f.area = std::int64_t(x1 - x0) * (y1 - y0);
    const int size = s.horizontal ? x1 - x0 : y1 - y0;
    f.a = s.horizontal ? x0 : y0;
    f.b = s.horizontal ? x1 : y1;
    const double before = s.horizontal ? kPadSide : kPadTop;
    const double after = s.horizontal ? kPadSide : kPadBottom;
    f.pa = std::max(0, static_cast<int>(std::floor(f.a - before * size)));
    f.pb = std::min(s.extent, static_cast<int>(std::ceil(f.b + after * size)));
    if (eyes_known) {
      const double e = s.horizontal ? eyes[i].x : eyes[i].y;
      if (std::isfinite(e) && e >= 0 && e <= s.extent) f.eye = e;
    }
    faces.push_back(f);
  }
  return faces;
}

/// Records how many faces the window at `p` keeps whole and cuts through.
void count_faces(CropChoice& choice, const std::vector<FaceSpan>& faces, int p, int length) {
  const Fit fit = evaluate(faces, p, length);
  choice.faces_kept = fit.inside;
  choice.faces_cut_through = fit.cut;
}

/// The position among `positions` with the most attention (the first on a tie).
int most_attention(const std::vector<double>& attention, const std::vector<int>& positions) {
  int best = positions.front();
  for (int p : positions) {
    if (attention[p] > attention[best]) best = p;
  }
  return best;
}

/// 1. A manual focus point wins: the window centred on it.
void crop_on_focus(const FocusPoint& focus, const Slide& s, const std::vector<FaceSpan>& faces,
                   CropChoice& choice) {
  const double fx = std::isfinite(focus.x) ? std::clamp(focus.x, 0.0, 1.0) : 0.5;
  const double fy = std::isfinite(focus.y) ? std::clamp(focus.y, 0.0, 1.0) : 0.5;
  const double centre = (s.horizontal ? fx : fy) * s.extent;
  place(choice.window, s, static_cast<int>(std::lround(centre - s.length / 2.0)));
  choice.basis = "focus";
  choice.note = fmt::format("centred on the focus point ({:.2f}, {:.2f})", fx, fy);
  if (!faces.empty()) {
    count_faces(choice, faces, s.horizontal ? choice.window.x : choice.window.y, s.length);
    choice.faces_cut = choice.faces_kept < choice.faces_total;
  }
}

/// The positions that do best by the faces, and whether they keep every face.
struct FacePositions {
  std::vector<int> positions;  ///< never empty
  bool all_fit = false;        ///< every face is wholly inside at these positions
  bool tight = false;          ///< all fit, but not with their margins
};

/// Keeps all the faces when they fit (with their margins if possible), else the largest group,
/// never cutting one if avoidable; then prefers room for hair and chin: first no padded box
/// crossing an edge, then most kept.
FacePositions face_positions(const std::vector<Fit>& fits, int n, int slack) {
  FacePositions out;
  std::vector<int>& positions = out.positions;
  for (int p = 0; p <= slack; ++p) {
    if (fits[p].padded_inside == n) positions.push_back(p);
  }
  if (positions.empty()) {
    // Not with their margins: all the faces themselves, with as much margin as fits.
    for (int p = 0; p <= slack; ++p) {
      if (fits[p].inside == n) positions.push_back(p);
    }
    out.tight = !positions.empty();
  }
  out.all_fit = !positions.empty();
  if (!out.all_fit) {
    // Never an edge through a face when some position keeps one whole and crosses none.
    for (int p = 0; p <= slack; ++p) {
      if (fits[p].cut == 0 && fits[p].inside > 0) positions.push_back(p);
    }
    if (positions.empty()) {
      positions.resize(slack + 1);
      std::iota(positions.begin(), positions.end(), 0);
    }
    keep_best(positions, [&](int p) { return double(fits[p].inside_area); });
    keep_best(positions, [&](int p) { return -double(fits[p].cut); });
    keep_best(
        positions, [&](int p) { return -fits[p].severity; }, 1e-9);
  }
  keep_best(positions, [&](int p) { return -double(fits[p].padded_cut); });
  keep_best(positions, [&](int p) { return double(fits[p].padded_inside_area); });
  keep_best(
      positions, [&](int p) { return -fits[p].padded_severity; }, 1e-9);
  return out;
}

/// The mean eye position of the faces kept whole at `p`, or -1 when one of them has no eyes
/// known (or none is kept).
double eye_line(const std::vector<FaceSpan>& faces, int p, const Slide& s) {
  double sum = 0;
  int n = 0;
  for (const FaceSpan& f : faces) {
    if (!inside(f.a, f.b, p, s.length)) continue;
    if (f.eye < 0) return -1;
    sum += f.eye;
    ++n;
  }
  return n > 0 ? sum / n : -1;
}

/// Keeps the positions at which every kept face's eyes lie in the window's upper kEyesAtMost,
/// when some do (a window sliding up and down only).
void keep_eyes_high(std::vector<int>& positions, const std::vector<FaceSpan>& faces,
                    const Slide& s) {
  if (s.horizontal) return;
  const auto eyes_high = [&](int p) {
    for (const FaceSpan& f : faces) {
      if (inside(f.a, f.b, p, s.length) && f.eye >= 0 && f.eye - p > kEyesAtMost * s.length)
        return false;
    }
    return true;
  };
  std::vector<int> high;
  std::copy_if(positions.begin(), positions.end(), std::back_inserter(high), eyes_high);
  if (!high.empty()) positions = std::move(high);
}

/// Where the faces kept at `positions` want the window: centred on them (padded) across;
/// down, on the upper third line (a portrait's composition). With room to spare, it leans
/// towards the most attention among the positions that keep them whole.
double face_target(const std::vector<FaceSpan>& faces, const std::vector<int>& positions,
                   const std::vector<double>& attention, const Slide& s) {
  const int probe = positions.front();
  int lo = s.extent;
  int hi = 0;
  int group = 0;
  for (const FaceSpan& f : faces) {
    if (!inside(f.a, f.b, probe, s.length)) continue;
    lo = std::min(lo, f.pa);
    hi = std::max(hi, f.pb);
    ++group;
  }
  double target =
      s.horizontal ? (lo + hi) / 2.0 - s.length / 2.0 : (lo + hi) / 2.0 - s.length / 3.0;
  if (group == 0) target = thirds_position(s.horizontal, s.slack);
  if (const double eye = eye_line(faces, probe, s); !s.horizontal && eye >= 0)
    target = eye - s.length / 3.0;
  if (!attention.empty()) {
    const int best = most_attention(attention, positions);
    if (attention[best] > 0) target = (1 - kLean) * target + kLean * best;
  }
  return target;
}

/// The manifest's note for a crop on `n` faces (and faces_cut when they do not all fit).
void note_faces(CropChoice& choice, int n, double aspect, const FacePositions& fp) {
  const std::string label = aspect_label(aspect);
  if (fp.all_fit) {
    choice.note = fmt::format("{} kept in {}{}", plural(n, "face", "faces"), label,
                              fp.tight ? " (with little room around them)" : "");
    return;
  }
  choice.faces_cut = true;
  choice.note = fmt::format("{} do not fit {}; kept the group of {} with the largest faces",
                            plural(n, "face", "faces"), label, choice.faces_kept);
  if (choice.faces_cut_through > 0) {
    choice.note += fmt::format("; {} cut by the edge (no position avoids it)",
                               plural(choice.faces_cut_through, "face is", "faces are"));
  }
}

/// 2. Faces: keep them all when they fit, else the largest group, never cutting one if
/// avoidable.
void crop_on_faces(const std::vector<FaceSpan>& faces, const std::vector<double>& attention,
                   double aspect, const Slide& s, CropChoice& choice) {
  std::vector<Fit> fits(s.slack + 1);
  for (int p = 0; p <= s.slack; ++p) fits[p] = evaluate(faces, p, s.length);
  const int n = static_cast<int>(faces.size());
  FacePositions fp = face_positions(fits, n, s.slack);
  keep_eyes_high(fp.positions, faces, s);
  const int p = nearest(fp.positions, face_target(faces, fp.positions, attention, s));
  place(choice.window, s, p);
  count_faces(choice, faces, p, s.length);
  choice.basis = "faces";
  note_faces(choice, n, aspect, fp);
}

}  // namespace

Rect largest_window(int width, int height, double aspect) {
  if (width <= 0 || height <= 0 || !(aspect > 0) || !std::isfinite(aspect)) {
    return {0, 0, std::max(0, width), std::max(0, height)};
  }
  if (double(width) / height > aspect) {
    const int w = std::clamp(static_cast<int>(std::lround(height * aspect)), 1, width);
    return {0, 0, w, height};
  }
  const int h = std::clamp(static_cast<int>(std::lround(width / aspect)), 1, height);
  return {0, 0, width, h};
}

std::string aspect_label(double aspect) {
  if (!(aspect > 0) || !std::isfinite(aspect)) return "invalid aspect";
  for (int den = 1; den <= 16; ++den) {
    const double num = std::round(aspect * den);
    if (num >= 1 && std::abs(num / den - aspect) <= 1e-4 * aspect) {
      return fmt::format("{}:{}", static_cast<int>(num), den);
    }
  }
  return fmt::format("{:.2f}:1", aspect);
}

CropChoice choose_crop(const CropRequest& request) {
  CropChoice choice;
  const int width = request.width;
  const int height = request.height;
  choice.window = largest_window(width, height, request.aspect);
  if (width <= 0 || height <= 0 || !(request.aspect > 0) || !std::isfinite(request.aspect)) {
    choice.basis = "thirds";
    choice.note = fmt::format("cannot crop a {}x{} picture to aspect {}; kept it whole", width,
                              height, request.aspect);
    return choice;
  }
  const Slide s = slide_of(width, height, choice.window);
  const std::vector<FaceSpan> faces = face_spans(request.faces, request.eyes, width, height, s);
  choice.faces_total = static_cast<int>(faces.size());

  if (request.focus) {
    crop_on_focus(*request.focus, s, faces, choice);
    return choice;
  }
  const std::vector<double> attention =
      attention_scores(request.attention, s.horizontal, s.extent, s.length, s.slack);
  if (!faces.empty()) {
    crop_on_faces(faces, attention, request.aspect, s, choice);
    return choice;
  }

  // 3. Attention: the most content inside.
  if (!attention.empty()) {
    std::vector<int> all(s.slack + 1);
    std::iota(all.begin(), all.end(), 0);
    place(choice.window, s, most_attention(attention, all));
    choice.basis = "attention";
    choice.note = "placed on the most detailed, skin-toned and colourful part";
    return choice;
  }

  // 4. Nothing known: rule of thirds.
  place(choice.window, s, thirds_position(s.horizontal, s.slack));
  choice.basis = "thirds";
  choice.note =
      s.horizontal ? "no faces or content map; centred" : "no faces or content map; rule of thirds";
  return choice;
}

}  // namespace saluran
