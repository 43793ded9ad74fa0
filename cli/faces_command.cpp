// `saluran faces`: the faces the detector finds in photos, and what the video analysis makes of
// a clip (reframing, poster), with the time each took. An operator runs it to see why a crop
// or a reframed video sits where it does; bench/faces runs it to measure the detectors.

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/text_output.hpp"
#include "codecs/file_bytes.hpp"
#include "codecs/image/photo_decode.hpp"
#include "pipeline/stages/face_detector.hpp"
#include "pipeline/stages/probe.hpp"
#include "pipeline/stages/video_analysis.hpp"

namespace saluran::cli {
namespace {

using Json = nlohmann::json;

// The long edge the cascades analyse a photo at for render's crops (render_image.cpp's
// kFaceEdge); BlazeFace ignores it. --thorough uses the detector's own default instead.
constexpr int kRenderFaceEdge = 640;
constexpr int kThoroughFaceEdge = 800;

struct FacesArgs {
  std::vector<std::string> files;
  std::string detector = "auto";
  std::string reframe;  ///< "W:H", empty when not asked for
  bool poster = false;
  bool thorough = false;
  bool json = false;
};

/// Milliseconds since `start`.
double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

/// Wall and CPU time (all threads of the process) since it was made: on a loaded machine the
/// CPU time is the steadier figure.
struct Stopwatch {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  std::clock_t cpu = std::clock();
  double wall_s() const { return ms_since(wall) / 1000; }
  double cpu_s() const { return static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC; }
};

/// "4:5" -> 0.8; nullopt when it is not two positive numbers around a colon.
std::optional<double> parse_aspect(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  try {
    std::size_t used_w = 0;
    std::size_t used_h = 0;
    const double w = std::stod(text.substr(0, colon), &used_w);
    const double h = std::stod(text.substr(colon + 1), &used_h);
    if (used_w != colon || used_h != text.size() - colon - 1) return std::nullopt;
    if (!(w > 0) || !(h > 0) || !std::isfinite(w / h)) return std::nullopt;
    return w / h;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

const char* landmark_name(int index) {
  static const char* kNames[] = {"right_eye", "left_eye",  "nose_tip",
                                 "mouth",     "right_ear", "left_ear"};
  return index >= 0 && index < 6 ? kNames[index] : "point";
}

Json face_json(const FaceBox& f) {
  Json points = Json::array();
  for (std::size_t i = 0; i < f.landmarks.size(); ++i) {
    points.push_back({{"name", landmark_name(static_cast<int>(i))},
                      {"x", std::round(f.landmarks[i].x * 10) / 10},
                      {"y", std::round(f.landmarks[i].y * 10) / 10}});
  }
  return {{"x", f.box.x},     {"y", f.box.y},         {"w", f.box.width},   {"h", f.box.height},
          {"score", f.score}, {"profile", f.profile}, {"landmarks", points}};
}

/// A photo's faces as render's crops see them: decoded upright at full size (boxes are in the
/// photo's upright pixels), then searched; the times of both.
Result<Json> photo_faces(const std::string& file, const FaceDetector& detector, bool thorough) {
  const InputLimits limits;
  auto start = std::chrono::steady_clock::now();
  auto bytes = read_file_bytes(file, limits.max_file_bytes);
  if (!bytes) return bytes.error();
  auto photo = decode_photo(*bytes, file, limits);
  if (!photo) return photo.error();
  const double decode_ms = ms_since(start);
  const Stopwatch watch;
  const FaceSearch found =
      thorough ? detector.search(photo->picture, kThoroughFaceEdge, kThoroughScaleStep)
               : detector.search(photo->picture, kRenderFaceEdge, kFastScaleStep);
  const double detect_ms = watch.wall_s() * 1000;
  const double detect_cpu_ms = watch.cpu_s() * 1000;
  Json faces = Json::array();
  for (const FaceBox& f : found.faces) faces.push_back(face_json(f));
  return Json{{"file", file},
              {"kind", "photo"},
              {"width", photo->picture.width},
              {"height", photo->picture.height},
              {"decode_ms", std::round(decode_ms * 10) / 10},
              {"detect_ms", std::round(detect_ms * 10) / 10},
              {"detect_cpu_ms", std::round(detect_cpu_ms * 10) / 10},
              {"faces", faces},
              {"warnings", found.warnings}};
}

/// Shot starts in seconds of the file's clock (as ffmpeg's -ss counts), from frame indexes.
Json shot_times(const ReframeTrack& track) {
  Json times = Json::array();
  for (std::size_t s : track.shot_starts)
    times.push_back(track.fps > 0 ? std::round((track.start_s + s / track.fps) * 100) / 100
                                  : track.start_s);
  return times;
}

/// The window's left edge at each whole second of the file's clock (the first frame's before
/// it starts), in the upright source's pixels.
Json left_by_second(const ReframeTrack& track) {
  Json lefts = Json::array();
  if (track.fps <= 0) return lefts;
  for (double t = 0;; t += 1) {
    const auto frame =
        static_cast<std::size_t>(std::max(0L, std::lround((t - track.start_s) * track.fps)));
    if (frame >= track.left.size()) break;
    lefts.push_back(track.left[frame]);
  }
  return lefts;
}

Result<Json> reframe_json(const std::string& file, const std::string& aspect_text, double aspect,
                          double length_s, const FaceDetector& detector) {
  const Stopwatch watch;
  auto track = analyse_reframe(file, aspect, detector);
  if (!track) return track.error();
  const double seconds = watch.wall_s();
  const double cpu_seconds = watch.cpu_s();
  return Json{{"aspect", aspect_text},
              {"seconds", std::round(seconds * 100) / 100},
              {"cpu_seconds", std::round(cpu_seconds * 100) / 100},
              {"ratio", length_s > 0 ? std::round(seconds / length_s * 1000) / 1000 : 0.0},
              {"frame", {track->frame_width, track->frame_height}},
              {"window", {track->window_width, track->window_height}},
              {"fps", std::round(track->fps * 1000) / 1000},
              {"frames", track->left.size()},
              {"shots", track->shot_starts.size()},
              {"shot_starts_s", shot_times(*track)},
              {"frames_with_faces", track->frames_with_faces},
              {"max_step", track->max_step},
              {"note", track->note},
              {"summary", reframe_summary(*track, 1.0)},
              {"left_by_second", left_by_second(*track)},
              {"warnings", track->warnings}};
}

Result<Json> poster_json(const std::string& file, double length_s, const FaceDetector& detector) {
  const Stopwatch watch;
  auto pick = pick_poster(file, detector);
  if (!pick) return pick.error();
  const double seconds = watch.wall_s();
  const double cpu_seconds = watch.cpu_s();
  return Json{{"seconds", std::round(seconds * 100) / 100},
              {"cpu_seconds", std::round(cpu_seconds * 100) / 100},
              {"ratio", length_s > 0 ? std::round(seconds / length_s * 1000) / 1000 : 0.0},
              {"time_s", std::round(pick->time_s * 100) / 100},
              {"reason", pick->reason},
              {"warnings", pick->warnings}};
}

/// A video's reframing and poster analysis, each when asked for.
Result<Json> video_analysis(const std::string& file, const MediaInfo& info, const FacesArgs& args,
                            const FaceDetector& detector) {
  if (args.reframe.empty() && !args.poster)
    return make_error(ErrorCode::kInvalidArgument,
                      "a video: add --reframe W:H (e.g. 4:5) or --poster to analyse it", file);
  const double length_s = info.duration_s.value_or(0);
  Json out{{"file", file}, {"kind", "video"}, {"duration_s", std::round(length_s * 100) / 100}};
  if (info.picture) out["size"] = {info.picture->upright_width, info.picture->upright_height};
  if (!args.reframe.empty()) {
    auto r = reframe_json(file, args.reframe, *parse_aspect(args.reframe), length_s, detector);
    if (!r) return r.error();
    out["reframe"] = std::move(*r);
  }
  if (args.poster) {
    auto p = poster_json(file, length_s, detector);
    if (!p) return p.error();
    out["poster"] = std::move(*p);
  }
  return out;
}

Result<Json> analyse_file(const std::string& file, const FacesArgs& args,
                          const FaceDetector& detector) {
  auto info = probe_file(file, InputLimits{});
  if (!info) return info.error();
  if (info->kind == MediaKind::kPhoto) return photo_faces(file, detector, args.thorough);
  if (info->kind == MediaKind::kVideo) return video_analysis(file, *info, args, detector);
  return make_error(ErrorCode::kUnsupported,
                    fmt::format("a {} file: faces are looked for in photos and videos only",
                                media_kind_name(info->kind)),
                    file);
}

std::string landmarks_text(const Json& points) {
  std::string text;
  for (const Json& p : points) {
    if (!text.empty()) text += ' ';
    text += fmt::format("{:.0f},{:.0f}", p["x"].get<double>(), p["y"].get<double>());
  }
  return text;
}

void print_photo(const Json& r) {
  const Json& faces = r["faces"];
  std::cout << fmt::format(
      "{}: photo {}x{}, {} face{} in {:.0f} ms (CPU {:.0f} ms; decoded in {:.0f} ms)\n",
      r["file"].get<std::string>(), r["width"].get<int>(), r["height"].get<int>(), faces.size(),
      faces.size() == 1 ? "" : "s", r["detect_ms"].get<double>(), r["detect_cpu_ms"].get<double>(),
      r["decode_ms"].get<double>());
  if (!faces.empty()) {
    std::vector<std::vector<std::string>> rows{
        {"  x", "y", "w", "h", "score", "landmarks (right eye, left eye, nose, mouth, ears)"}};
    for (const Json& f : faces) {
      const std::string marks = f["landmarks"].empty()
                                    ? (f["profile"].get<bool>() ? "(profile)" : "-")
                                    : landmarks_text(f["landmarks"]);
      rows.push_back({fmt::format("  {}", f["x"].get<int>()), std::to_string(f["y"].get<int>()),
                      std::to_string(f["w"].get<int>()), std::to_string(f["h"].get<int>()),
                      fmt::format("{:.2f}", f["score"].get<double>()), marks});
    }
    print_columns(rows);
  }
  for (const Json& w : r["warnings"]) std::cout << "  warning: " << w.get<std::string>() << '\n';
}

std::string numbers_text(const Json& values, const char* format) {
  std::string text;
  for (const Json& v : values) {
    if (!text.empty()) text += ", ";
    text += fmt::format(fmt::runtime(format), v.get<double>());
  }
  return text;
}

void print_reframe(const Json& f) {
  std::cout << fmt::format(
      "  reframe {}: analysed in {:.2f} s (CPU {:.2f} s), {:.2f}x the clip's length; window {}x{} "
      "of {}x{}\n",
      f["aspect"].get<std::string>(), f["seconds"].get<double>(), f["cpu_seconds"].get<double>(),
      f["ratio"].get<double>(), f["window"][0].get<int>(), f["window"][1].get<int>(),
      f["frame"][0].get<int>(), f["frame"][1].get<int>());
  std::cout << fmt::format("    {} shot{} (starting at {} s); faces in {} analysed frames of {}\n",
                           f["shots"].get<int>(), f["shots"].get<int>() == 1 ? "" : "s",
                           numbers_text(f["shot_starts_s"], "{:.2f}"),
                           f["frames_with_faces"].get<int>(), f["frames"].get<int>());
  std::cout << "    " << f["note"].get<std::string>() << '\n';
  std::cout << "    window's left edge at each second: "
            << numbers_text(f["left_by_second"], "{:.0f}") << '\n';
  for (const Json& w : f["warnings"]) std::cout << "    warning: " << w.get<std::string>() << '\n';
}

void print_video(const Json& r) {
  std::string size;
  if (r.contains("size"))
    size = fmt::format(" {}x{}", r["size"][0].get<int>(), r["size"][1].get<int>());
  std::cout << fmt::format("{}: video{}, {:.2f} s\n", r["file"].get<std::string>(), size,
                           r["duration_s"].get<double>());
  if (r.contains("reframe")) print_reframe(r["reframe"]);
  if (r.contains("poster")) {
    const Json& p = r["poster"];
    std::cout << fmt::format(
        "  poster: chosen in {:.2f} s (CPU {:.2f} s), {:.2f}x the clip's length: the frame at "
        "{:.2f} s ({})\n",
        p["seconds"].get<double>(), p["cpu_seconds"].get<double>(), p["ratio"].get<double>(),
        p["time_s"].get<double>(), p["reason"].get<std::string>());
    for (const Json& w : p["warnings"])
      std::cout << "    warning: " << w.get<std::string>() << '\n';
  }
}

FaceModel model_of(const std::string& name) {
  if (name == "blazeface") return FaceModel::kBlazeFace;
  if (name == "haar") return FaceModel::kHaar;
  return FaceModel::kAuto;
}

int run_faces(const FacesArgs& args) {
  FaceDetectorOptions options;
  options.model = model_of(args.detector);
  const auto start = std::chrono::steady_clock::now();
  auto detector = FaceDetector::open(options);
  if (!detector) {
    std::cerr << "error: " << detector.error().to_string() << '\n';
    return kExitFatal;
  }
  const double open_ms = ms_since(start);
  Json out{{"detector", detector->model_name()},
           {"notices", detector->notices()},
           {"open_ms", std::round(open_ms * 10) / 10},
           {"files", Json::array()}};
  if (!args.json) {
    std::cout << fmt::format("detector: {} (loaded in {:.0f} ms)\n", detector->model_name(),
                             open_ms);
    for (const std::string& n : detector->notices()) std::cout << "notice: " << n << '\n';
  }
  int failed = 0;
  for (const std::string& file : args.files) {
    auto r = analyse_file(file, args, *detector);
    if (!r) {
      ++failed;
      Error e = r.error();
      if (e.context.file.empty()) e.context.file = file;
      std::cerr << "error: " << e.to_string() << '\n';
      out["files"].push_back(
          {{"file", file},
           {"error",
            {{"code", std::string(error_code_name(e.code))}, {"message", e.to_string()}}}});
      continue;
    }
    if (!args.json) (*r)["kind"] == "photo" ? print_photo(*r) : print_video(*r);
    out["files"].push_back(std::move(*r));
  }
  if (args.json) std::cout << out.dump(2) << '\n';
  return failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

Runner add_faces_command(CLI::App& app) {
  auto args = std::make_shared<FacesArgs>();
  CLI::App* sub = app.add_subcommand(
      "faces",
      "Show the faces the detector finds in photos, and what the video analysis makes of a\n"
      "clip, with the time each took: to see why a crop or a reframed video sits where it\n"
      "does. Photos are searched as render searches them for its crops: each face's box\n"
      "(x,y,w,h in the upright photo's pixels), its score and, from BlazeFace, six landmarks\n"
      "(eyes, nose tip, mouth, ears). A video needs --reframe W:H (the window render's 9:16\n"
      "or 4:5 video presets follow: its position each second, the shots, the frames with\n"
      "faces, what it follows) or --poster (the frame a poster is taken from, and why); both\n"
      "say how long the analysis took against the clip's length. The first line names the\n"
      "detector that ran and, when BlazeFace's model files are missing, why the Haar cascades\n"
      "were used (scripts/install-deps fetches the model). A file that cannot be read is an\n"
      "error naming it; the other files still run.\n"
      "Exit code: 0 done, 1 some files failed, 2 usage, 3 the detector could not be loaded.");
  sub->add_option("files", args->files, "Photos and videos")->required();
  sub->add_option("--detector", args->detector,
                  "auto: BlazeFace when its model files are installed, else the Haar cascades "
                  "(what render uses); blazeface: BlazeFace or fail; haar: the cascades only")
      ->check(CLI::IsMember({"auto", "blazeface", "haar"}))
      ->default_str("auto");
  sub->add_option("--reframe", args->reframe,
                  "For videos: analyse the reframing to this aspect, W:H (9:16, 4:5, any)")
      ->check([](const std::string& text) {
        return parse_aspect(text) ? std::string()
                                  : std::string("give the aspect as W:H, e.g. 9:16 or 4:5");
      });
  sub->add_flag("--poster", args->poster, "For videos: choose the poster frame, and say why");
  sub->add_flag("--thorough", args->thorough,
                "Search photos with the finer scale step (the detector's tests): slower, a few "
                "more small faces; by default photos are searched as render does");
  sub->add_flag(
      "--json", args->json,
      "Write one JSON object: {\"detector\", \"notices\", \"open_ms\", \"files\": [...]}");
  return [args] { return run_faces(*args); };
}

}  // namespace saluran::cli
