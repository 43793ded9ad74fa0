// `saluran probe`: identify files by content and report their facts.

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/text_output.hpp"
#include "pipeline/model/media_info_json.hpp"
#include "pipeline/stages/probe.hpp"

namespace saluran::cli {
namespace {

struct ProbeArgs {
  std::vector<std::string> paths;
  bool json = false;
  int threads = 2;
};

std::string format_column(const MediaInfo& m) {
  std::string out = m.container;
  if (m.picture && m.kind != MediaKind::kPhoto) out += " " + m.picture->codec;
  if (m.picture && !m.picture->hdr.empty()) out += " " + m.picture->hdr;
  if (m.picture && m.picture->bit_depth > 8) out += fmt::format(" {}bit", m.picture->bit_depth);
  if (m.audio) out += " " + m.audio->codec;
  return out;
}

std::string size_column(const MediaInfo& m) {
  if (m.kind == MediaKind::kTelemetry && m.telemetry) {
    return fmt::format("{} cues", m.telemetry->frames);
  }
  if (!m.picture) {
    return m.audio ? fmt::format("{}ch {}Hz", m.audio->channels, m.audio->sample_rate) : "";
  }
  const PictureInfo& p = *m.picture;
  std::string out = fmt::format("{}x{}", p.upright_width, p.upright_height);
  if (p.rotation != 0) out += fmt::format(" (rot {})", p.rotation);
  if (p.sar_num != p.sar_den) out += fmt::format(" sar {}:{}", p.sar_num, p.sar_den);
  return out;
}

std::string rate_column(const MediaInfo& m) {
  std::string out = m.duration_s ? short_duration(*m.duration_s) : std::string();
  if (m.frame_rate) {
    out += fmt::format(" {:.4g}fps", *m.frame_rate);
    if (m.variable_frame_rate) out += " vfr";
  }
  return out;
}

std::string device_column(const MediaInfo& m) {
  std::string who = m.meta.make;
  std::string model = m.meta.model;
  // "Canon" + "Canon EOS 90D" reads as "Canon EOS 90D".
  if (!who.empty() && model.rfind(who, 0) == 0) who.clear();
  if (!model.empty()) who += (who.empty() ? "" : " ") + model;
  if (who.empty()) return device_class_name(m.meta.device_class);
  return fmt::format("{} ({})", who, device_class_name(m.meta.device_class));
}

std::string gps_column(const MediaInfo& m) {
  if (!m.meta.gps) return "";
  const GeoPoint& g = *m.meta.gps;
  std::string out = fmt::format("{:.5f},{:.5f}", g.latitude, g.longitude);
  if (g.altitude_m) out += fmt::format(" {:.0f}m", *g.altitude_m);
  return out;
}

void print_table(const ProbeReport& report) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"FILE", "KIND", "FORMAT", "UPRIGHT", "LENGTH", "DEVICE", "TAKEN", "GPS"});
  for (const ProbeEntry& e : report.entries) {
    if (!e.info) continue;
    const MediaInfo& m = *e.info;
    std::string kind = media_kind_name(m.kind);
    if (m.telemetry && m.kind == MediaKind::kVideo) kind += "+srt";
    rows.push_back({e.path, kind, format_column(m), size_column(m), rate_column(m),
                    device_column(m), m.meta.capture_time, gps_column(m)});
  }
  print_columns(rows);
  for (const ProbeEntry& e : report.entries) {
    if (e.info && e.info->telemetry && e.info->kind == MediaKind::kVideo) {
      const Telemetry& t = *e.info->telemetry;
      std::cout << fmt::format("  telemetry {}: {} cues, {:.1f}-{:.1f}s", e.info->telemetry_path,
                               t.frames, t.start_s, t.end_s);
      if (t.min_altitude_m && t.max_altitude_m)
        std::cout << fmt::format(", altitude {:.1f}-{:.1f} m", *t.min_altitude_m,
                                 *t.max_altitude_m);
      std::cout << '\n';
    }
    if (e.info) {
      for (const std::string& w : e.info->warnings)
        std::cout << fmt::format("  warning {}: {}\n", e.path, w);
    }
  }
  for (const ProbeEntry& e : report.entries) {
    if (!e.skipped.empty()) std::cout << fmt::format("skipped {}: {}\n", e.path, e.skipped);
  }
  for (const ProbeEntry& e : report.entries) {
    if (e.error) std::cerr << "error: " << e.error->to_string() << '\n';
  }
  std::cout << fmt::format("{} read, {} skipped, {} failed\n", report.read, report.skipped,
                           report.failed);
}

void print_json(const ProbeReport& report) {
  nlohmann::json files = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  nlohmann::json skipped = nlohmann::json::array();
  for (const ProbeEntry& e : report.entries) {
    if (e.info) files.push_back(to_json(*e.info));
    if (e.error) errors.push_back(to_json(*e.error));
    if (!e.skipped.empty()) skipped.push_back({{"path", e.path}, {"reason", e.skipped}});
  }
  nlohmann::json out{
      {"saluran_probe", kProbeJsonVersion},
      {"files", std::move(files)},
      {"skipped", std::move(skipped)},
      {"errors", std::move(errors)},
      {"counts", {{"read", report.read}, {"skipped", report.skipped}, {"failed", report.failed}}}};
  std::cout << out.dump(2) << '\n';
  // People watching a script still see which files failed.
  for (const ProbeEntry& e : report.entries) {
    if (e.error) std::cerr << "error: " << e.error->to_string() << '\n';
  }
}

int run_probe(const ProbeArgs& args) {
  ProbeOptions options;
  options.threads = args.threads;
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty) {
    options.on_progress = [](std::size_t done, std::size_t total) {
      if (total >= 20) std::fprintf(stderr, "\rprobing %zu/%zu", done, total);
      if (total >= 20 && done == total) std::fprintf(stderr, "\r\033[K");
    };
  }
  const ProbeReport report = probe_paths(args.paths, options);
  if (args.json) {
    print_json(report);
  } else {
    print_table(report);
  }
  return report.failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

Runner add_probe_command(CLI::App& app) {
  auto args = std::make_shared<ProbeArgs>();
  CLI::App* sub = app.add_subcommand(
      "probe",
      "Identify photos, videos, audio and DJI telemetry by content and report their facts:\n"
      "format, codecs, duration, frame rate (and whether variable), stored and upright size,\n"
      "pixel aspect, bit depth and HDR, audio layout, capture time, device (camera, drone,\n"
      "phone) and GPS. Folders are read recursively. Nothing is decoded or modified.\n"
      "Exit code: 0 all files read, 1 some could not be read (one 'error:' line each), 2 usage.");
  sub->add_option("paths", args->paths, "Files and folders to probe")->required();
  sub->add_flag("--json", args->json,
                "Write JSON to stdout (schema: README.md, 'probe --json'); errors still go to "
                "stderr too");
  sub->add_option("--threads", args->threads, "Files probed at once")
      ->default_val(2)
      ->check(CLI::Range(1, 64));
  return [args] { return run_probe(*args); };
}

}  // namespace saluran::cli
