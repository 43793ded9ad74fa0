// `saluran inventory`: list what came into the library (SOP step 1), with filters, a summary by
// day, device class and kind, the ingest runs and the rejected files.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "cli/text_output.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "pipeline/model/media_info_json.hpp"

namespace saluran::cli {
namespace {

/// Schema version of `inventory --json`; bumped on incompatible change.
constexpr int kInventoryJsonVersion = 1;

/// Half the Earth's circumference: no place is farther away.
constexpr double kMaxWithinKm = 20040;

struct InventoryArgs {
  std::string library;
  bool json = false;
  bool csv = false;
  bool summary = false;
  bool runs = false;
  bool rejected = false;
  std::string kind;
  std::string device_class;
  std::string device;
  std::string from;
  std::string to;
  std::int64_t run = 0;
  std::string name;
  std::string near;
  double within = 0;
  std::string bbox;
};

/// A usage error: the option, what was wrong and what is allowed.
struct UsageError {
  std::string message;
};

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// True for a real calendar date written "YYYY-MM-DD".
bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0;
  int m = 0;
  int d = 0;
  const char* p = s.data();
  if (std::from_chars(p, p + 4, y).ptr != p + 4) return false;
  if (std::from_chars(p + 5, p + 7, m).ptr != p + 7) return false;
  if (std::from_chars(p + 8, p + 10, d).ptr != p + 10) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

/// Comma-separated decimal numbers ("-6.91,107.61"); nullopt unless exactly `count` of them.
std::optional<std::vector<double>> parse_numbers(const std::string& text, std::size_t count) {
  std::vector<double> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    std::string_view part(text.data() + start,
                          (comma == std::string::npos ? text.size() : comma) - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty() && part.front() == '+') part.remove_prefix(1);
    double v = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() ||
        !std::isfinite(v)) {
      return std::nullopt;
    }
    out.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.size() != count) return std::nullopt;
  return out;
}

bool is_latitude(double v) { return v >= -90 && v <= 90; }
bool is_longitude(double v) { return v >= -180 && v <= 180; }

/// The filters of the command line as a catalog query, or what is wrong with them.
std::variant<AssetQuery, UsageError> make_query(const InventoryArgs& a, bool run_given,
                                                bool within_given) {
  AssetQuery q;
  if (a.kind == "photo") q.kind = MediaKind::kPhoto;
  if (a.kind == "video") q.kind = MediaKind::kVideo;
  if (a.kind == "audio") q.kind = MediaKind::kAudio;
  if (a.device_class == "camera") q.device_class = DeviceClass::kCamera;
  if (a.device_class == "drone") q.device_class = DeviceClass::kDrone;
  if (a.device_class == "phone") q.device_class = DeviceClass::kPhone;
  if (a.device_class == "unknown") q.device_class = DeviceClass::kUnknown;
  q.device = a.device;
  for (const auto& [value, option] : {std::pair{&a.from, "--from"}, std::pair{&a.to, "--to"}}) {
    if (!value->empty() && !is_date(*value)) {
      return UsageError{fmt::format(
          "{} '{}' is not a date: write it as YYYY-MM-DD, e.g. 2025-03-14", option, *value)};
    }
  }
  if (!a.from.empty() && !a.to.empty() && a.from > a.to) {
    return UsageError{
        fmt::format("--from {} is after --to {}: the first day must come first", a.from, a.to)};
  }
  q.from_date = a.from;
  q.to_date = a.to;
  if (run_given && a.run < 1) {
    return UsageError{
        fmt::format("--run {} is not a run: runs are numbered from 1 (see --runs)", a.run)};
  }
  if (run_given) q.run = a.run;
  q.text = a.name;
  if (within_given && a.near.empty()) {
    return UsageError{"--within needs --near LAT,LON: the place to measure the distance from"};
  }
  if (!a.near.empty()) {
    const auto ll = parse_numbers(a.near, 2);
    if (!ll || !is_latitude((*ll)[0]) || !is_longitude((*ll)[1])) {
      return UsageError{fmt::format(
          "--near '{}' is not a place: write LAT,LON in decimal degrees, latitude -90..90 and "
          "longitude -180..180, e.g. --near -6.9147,107.6098",
          a.near)};
    }
    if (!within_given) return UsageError{"--near needs --within KM: how far from the place"};
    if (!(a.within > 0 && a.within <= kMaxWithinKm)) {
      return UsageError{
          fmt::format("--within {} is out of range: give kilometres, more than 0 "
                      "and at most {}",
                      a.within, kMaxWithinKm)};
    }
    q.near_lat = (*ll)[0];
    q.near_lon = (*ll)[1];
    q.within_km = a.within;
  }
  if (!a.bbox.empty()) {
    const auto b = parse_numbers(a.bbox, 4);
    if (!b || !is_latitude((*b)[0]) || !is_longitude((*b)[1]) || !is_latitude((*b)[2]) ||
        !is_longitude((*b)[3]) || (*b)[0] > (*b)[2]) {
      return UsageError{fmt::format(
          "--bbox '{}' is not a box: write SOUTH,WEST,NORTH,EAST in decimal degrees, latitudes "
          "-90..90 with SOUTH <= NORTH, longitudes -180..180, e.g. --bbox -7.0,106.5,-6.0,107.7",
          a.bbox)};
    }
    q.box_south = (*b)[0];
    q.box_west = (*b)[1];
    q.box_north = (*b)[2];
    q.box_east = (*b)[3];
  }
  return q;
}

std::string size_column(const MediaInfo& m) {
  std::string out;
  if (m.picture) out = fmt::format("{}x{}", m.picture->upright_width, m.picture->upright_height);
  if (m.duration_s && m.kind != MediaKind::kPhoto) {
    out += (out.empty() ? "" : " ") + short_duration(*m.duration_s);
  }
  return out;
}

std::string device_column(const MediaInfo& m) {
  std::string who = m.meta.make;
  if (!m.meta.model.empty()) who += (who.empty() ? "" : " ") + m.meta.model;
  if (who.empty()) return device_class_name(m.meta.device_class);
  return fmt::format("{} ({})", who, device_class_name(m.meta.device_class));
}

std::string gps_column(const MediaInfo& m) {
  if (!m.meta.gps) return "";
  return fmt::format("{:.5f},{:.5f}", m.meta.gps->latitude, m.meta.gps->longitude);
}

/// How many distinct source files held this content, and how many of those were duplicates.
struct SourceCounts {
  int sources = 0;
  int duplicates = 0;
};

SourceCounts count_sources(const std::vector<SourceRecord>& records) {
  std::set<std::string> all;
  std::set<std::string> duplicates;
  for (const SourceRecord& r : records) {
    if (r.outcome == SourceOutcome::kCopied || r.outcome == SourceOutcome::kDuplicate ||
        r.outcome == SourceOutcome::kUnchanged) {
      all.insert(r.path);
    }
    if (r.outcome == SourceOutcome::kDuplicate) duplicates.insert(r.path);
  }
  return {static_cast<int>(all.size()), static_cast<int>(duplicates.size())};
}

/// One CSV field, quoted as RFC 4180 asks when it holds a comma, quote or line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void print_csv_row(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += csv_field(fields[i]);
  }
  std::cout << line << "\r\n";  // RFC 4180 line ending
}

template <class T>
std::string opt_number(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : std::string();
}

int fatal(const Error& e) {
  std::cerr << "error: " << e.to_string() << '\n';
  return kExitFatal;
}

// ---------------------------------------------------------------------------------------------
// Assets

int print_assets(Catalog& catalog, const AssetQuery& q, const InventoryArgs& args,
                 const std::string& library) {
  Result<std::vector<Asset>> assets = catalog.list_assets(q);
  if (!assets) return fatal(assets.error());
  std::vector<std::vector<SourceRecord>> sources;
  sources.reserve(assets->size());
  for (const Asset& a : *assets) {
    Result<std::vector<SourceRecord>> s = catalog.sources_of(a.id);
    if (!s) return fatal(s.error());
    sources.push_back(std::move(s.value()));
  }
  std::uint64_t bytes = 0;
  std::map<std::string, int> by_kind;
  for (const Asset& a : *assets) {
    bytes += a.info.size_bytes;
    ++by_kind[media_kind_name(a.info.kind)];
  }

  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t i = 0; i < assets->size(); ++i) {
      const Asset& a = (*assets)[i];
      nlohmann::json j = to_json(a.info);
      j["id"] = a.id;
      j["hash"] = a.hash;
      j["library_path"] = a.library_path;
      j["run"] = a.ingest_run;
      j["sidecars"] = a.sidecars;
      nlohmann::json src = nlohmann::json::array();
      for (const SourceRecord& s : sources[i]) {
        nlohmann::json o{{"path", s.path},
                         {"size", s.size},
                         {"mtime_ns", s.mtime_ns},
                         {"outcome", source_outcome_name(s.outcome)}};
        if (!s.reason.empty()) o["reason"] = s.reason;
        src.push_back(std::move(o));
      }
      j["sources"] = std::move(src);
      list.push_back(std::move(j));
    }
    const nlohmann::json out{{"saluran_inventory", kInventoryJsonVersion},
                             {"library", library},
                             {"assets", std::move(list)},
                             {"counts", {{"assets", assets->size()}, {"bytes", bytes}}}};
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }

  if (args.csv) {
    print_csv_row({"id",           "library_path",  "kind",           "container",
                   "size_bytes",   "upright_width", "upright_height", "duration_s",
                   "capture_time", "make",          "model",          "device_class",
                   "latitude",     "longitude",     "altitude_m",     "hash",
                   "run",          "sources",       "duplicates",     "first_source"});
    for (std::size_t i = 0; i < assets->size(); ++i) {
      const Asset& a = (*assets)[i];
      const MediaInfo& m = a.info;
      const SourceCounts n = count_sources(sources[i]);
      const std::optional<GeoPoint>& g = m.meta.gps;
      print_csv_row({std::to_string(a.id),
                     a.library_path,
                     media_kind_name(m.kind),
                     m.container,
                     std::to_string(m.size_bytes),
                     m.picture ? std::to_string(m.picture->upright_width) : "",
                     m.picture ? std::to_string(m.picture->upright_height) : "",
                     opt_number(m.duration_s),
                     m.meta.capture_time,
                     m.meta.make,
                     m.meta.model,
                     device_class_name(m.meta.device_class),
                     g ? fmt::format("{}", g->latitude) : "",
                     g ? fmt::format("{}", g->longitude) : "",
                     g ? opt_number(g->altitude_m) : "",
                     a.hash,
                     std::to_string(a.ingest_run),
                     std::to_string(n.sources),
                     std::to_string(n.duplicates),
                     m.path});
    }
    return kExitOk;
  }

  std::vector<std::vector<std::string>> rows;
  rows.push_back({"LIBRARY PATH", "KIND", "SIZE/LENGTH", "TAKEN", "DEVICE", "GPS", "SOURCES"});
  for (std::size_t i = 0; i < assets->size(); ++i) {
    const Asset& a = (*assets)[i];
    const SourceCounts n = count_sources(sources[i]);
    std::string src = std::to_string(n.sources);
    if (n.duplicates > 0) src += fmt::format(" ({} dup)", n.duplicates);
    std::string kind = media_kind_name(a.info.kind);
    if (!a.sidecars.empty()) kind += fmt::format("+{}", a.sidecars.size());
    rows.push_back({a.library_path, kind, size_column(a.info),
                    a.info.meta.capture_time.empty() ? "unknown" : a.info.meta.capture_time,
                    device_column(a.info), gps_column(a.info), src});
  }
  print_columns(rows);
  std::string kinds;
  for (const auto& [kind, count] : by_kind) {
    const bool plural = count != 1 && (kind == "photo" || kind == "video");
    kinds += fmt::format("{}{} {}{}", kinds.empty() ? ": " : ", ", count, kind, plural ? "s" : "");
  }
  std::cout << fmt::format("{} {}, {}{}\n", assets->size(),
                           assets->size() == 1 ? "asset" : "assets", human_bytes(bytes), kinds);
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// Summary

struct Total {
  int count = 0;
  std::uint64_t bytes = 0;
  void add(const SummaryRow& r) {
    count += r.count;
    bytes += r.bytes;
  }
};

nlohmann::json total_json(const Total& t) { return {{"count", t.count}, {"bytes", t.bytes}}; }

int print_summary(Catalog& catalog, const AssetQuery& q, const InventoryArgs& args,
                  const std::string& library) {
  Result<std::vector<SummaryRow>> rows = catalog.summarise(q);
  if (!rows) return fatal(rows.error());
  Total total;
  std::map<std::string, Total> by_day;
  std::map<std::string, Total> by_class;
  std::map<std::string, Total> by_kind;
  for (const SummaryRow& r : *rows) {
    total.add(r);
    by_day[r.day].add(r);
    by_class[device_class_name(r.device_class)].add(r);
    by_kind[media_kind_name(r.kind)].add(r);
  }

  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const SummaryRow& r : *rows) {
      list.push_back({{"day", r.day},
                      {"device_class", device_class_name(r.device_class)},
                      {"kind", media_kind_name(r.kind)},
                      {"count", r.count},
                      {"bytes", r.bytes}});
    }
    auto totals_of = [](const std::map<std::string, Total>& m) {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& [key, t] : m) j[key] = total_json(t);
      return j;
    };
    const nlohmann::json out{{"saluran_inventory", kInventoryJsonVersion},
                             {"library", library},
                             {"summary", std::move(list)},
                             {"totals",
                              {{"all", total_json(total)},
                               {"by_day", totals_of(by_day)},
                               {"by_device_class", totals_of(by_class)},
                               {"by_kind", totals_of(by_kind)}}}};
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }

  if (args.csv) {
    print_csv_row({"day", "device_class", "kind", "count", "bytes"});
    for (const SummaryRow& r : *rows) {
      print_csv_row({r.day, device_class_name(r.device_class), media_kind_name(r.kind),
                     std::to_string(r.count), std::to_string(r.bytes)});
    }
    return kExitOk;
  }

  std::vector<std::vector<std::string>> table;
  table.push_back({"DAY", "DEVICE", "KIND", "FILES", "SIZE"});
  for (const SummaryRow& r : *rows) {
    table.push_back({r.day, device_class_name(r.device_class), media_kind_name(r.kind),
                     std::to_string(r.count), human_bytes(r.bytes)});
  }
  print_columns(table);
  auto line = [](const std::map<std::string, Total>& m) {
    std::string out;
    for (const auto& [key, t] : m) {
      out +=
          fmt::format("{}{} {} ({})", out.empty() ? "" : ", ", key, t.count, human_bytes(t.bytes));
    }
    return out.empty() ? std::string("none") : out;
  };
  std::cout << "by kind:          " << line(by_kind) << '\n';
  std::cout << "by device class:  " << line(by_class) << '\n';
  std::cout << fmt::format("total: {} {}, {}, over {} {}\n", total.count,
                           total.count == 1 ? "file" : "files", human_bytes(total.bytes),
                           by_day.size(), by_day.size() == 1 ? "day" : "days");
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// Runs and rejections

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

int print_runs(Catalog& catalog, const InventoryArgs& args, const std::string& library) {
  Result<std::vector<IngestRun>> runs = catalog.list_runs();
  if (!runs) return fatal(runs.error());
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const IngestRun& r : *runs) {
      list.push_back({{"id", r.id},
                      {"started_at", r.started_at},
                      {"finished_at", r.finished_at.empty() ? nlohmann::json(nullptr)
                                                            : nlohmann::json(r.finished_at)},
                      {"operator", r.operator_name},
                      {"sources", r.sources},
                      {"counts",
                       {{"copied", r.copied},
                        {"duplicates", r.duplicates},
                        {"unchanged", r.unchanged},
                        {"skipped", r.skipped},
                        {"rejected", r.rejected}}},
                      {"bytes_copied", r.bytes_copied}});
    }
    const nlohmann::json out{{"saluran_inventory", kInventoryJsonVersion},
                             {"library", library},
                             {"runs", std::move(list)}};
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }
  if (args.csv) {
    print_csv_row({"id", "started_at", "finished_at", "operator", "sources", "copied", "duplicates",
                   "unchanged", "skipped", "rejected", "bytes_copied"});
    for (const IngestRun& r : *runs) {
      print_csv_row({std::to_string(r.id), r.started_at, r.finished_at, r.operator_name,
                     join(r.sources, ";"), std::to_string(r.copied), std::to_string(r.duplicates),
                     std::to_string(r.unchanged), std::to_string(r.skipped),
                     std::to_string(r.rejected), std::to_string(r.bytes_copied)});
    }
    return kExitOk;
  }
  std::vector<std::vector<std::string>> table;
  table.push_back({"RUN", "STARTED (UTC)", "FINISHED (UTC)", "OPERATOR", "COPIED", "DUPLICATES",
                   "UNCHANGED", "SKIPPED", "REJECTED", "BYTES COPIED", "FROM"});
  for (const IngestRun& r : *runs) {
    table.push_back({std::to_string(r.id), r.started_at,
                     r.finished_at.empty() ? "(not finished)" : r.finished_at, r.operator_name,
                     std::to_string(r.copied), std::to_string(r.duplicates),
                     std::to_string(r.unchanged), std::to_string(r.skipped),
                     std::to_string(r.rejected), human_bytes(r.bytes_copied),
                     join(r.sources, ", ")});
  }
  print_columns(table);
  std::cout << fmt::format("{} ingest {}\n", runs->size(), runs->size() == 1 ? "run" : "runs");
  return kExitOk;
}

int print_rejected(Catalog& catalog, const InventoryArgs& args, bool run_given,
                   const std::string& library) {
  Result<std::vector<Rejection>> rejections =
      catalog.list_rejections(run_given ? std::optional<std::int64_t>(args.run) : std::nullopt);
  if (!rejections) return fatal(rejections.error());
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Rejection& r : *rejections) {
      list.push_back({{"run", r.run}, {"path", r.path}, {"code", r.code}, {"reason", r.reason}});
    }
    const nlohmann::json out{{"saluran_inventory", kInventoryJsonVersion},
                             {"library", library},
                             {"rejected", std::move(list)}};
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }
  if (args.csv) {
    print_csv_row({"run", "path", "code", "reason"});
    for (const Rejection& r : *rejections) {
      print_csv_row({std::to_string(r.run), r.path, r.code, r.reason});
    }
    return kExitOk;
  }
  std::vector<std::vector<std::string>> table;
  table.push_back({"RUN", "FILE", "CODE", "REASON"});
  for (const Rejection& r : *rejections) {
    table.push_back({std::to_string(r.run), r.path, r.code, r.reason});
  }
  print_columns(table);
  std::cout << fmt::format("{} rejected {}\n", rejections->size(),
                           rejections->size() == 1 ? "file" : "files");
  return kExitOk;
}

int run_inventory(const InventoryArgs& args, bool run_given, bool within_given) {
  const auto query = make_query(args, run_given, within_given);
  if (const auto* bad = std::get_if<UsageError>(&query)) {
    std::cerr << "error: " << bad->message << "\nRun 'saluran inventory --help' for the options.\n";
    return kExitUsage;
  }
  const std::string library = library_folder(args.library);
  std::optional<Catalog> catalog = open_library_catalog(library);
  if (!catalog) return kExitFatal;
  if (args.runs) return print_runs(*catalog, args, library);
  if (args.rejected) return print_rejected(*catalog, args, run_given, library);
  const AssetQuery& q = std::get<AssetQuery>(query);
  if (args.summary) return print_summary(*catalog, q, args, library);
  return print_assets(*catalog, q, args, library);
}

}  // namespace

Runner add_inventory_command(CLI::App& app) {
  auto args = std::make_shared<InventoryArgs>();
  CLI::App* sub = app.add_subcommand(
      "inventory",
      "List what came into the library (SOP step 1): one line per asset with its kind, size or\n"
      "length, capture time, device and GPS, and how many source files held it. Filters narrow\n"
      "the list; --summary counts files and bytes by day, device class and kind; --runs lists\n"
      "the ingest runs and --rejected the files that could not be taken, with the reason.\n"
      "Exit code: 0 listed, 2 usage, 3 no catalog or the catalog cannot be read.");
  sub->add_option("--library", args->library,
                  "Library folder (default: $SALURAN_LIBRARY, else ./library)");
  auto* json = sub->add_flag("--json", args->json,
                             "Write JSON to stdout (\"saluran_inventory\": 1, with every probe "
                             "fact of each asset)");
  auto* csv = sub->add_flag("--csv", args->csv, "Write CSV (RFC 4180, header row) to stdout");
  json->excludes(csv);
  auto* summary = sub->add_flag("--summary", args->summary,
                                "Count files and bytes by day, device class and kind");
  auto* runs = sub->add_flag("--runs", args->runs,
                             "List the ingest runs: when, who, from where, and their counts");
  auto* rejected = sub->add_flag("--rejected", args->rejected,
                                 "List the files ingest could not take, with the reason");
  summary->excludes(runs)->excludes(rejected);
  runs->excludes(rejected);
  sub->add_option("--kind", args->kind, "Only this kind: photo, video or audio")
      ->check(CLI::IsMember({"photo", "video", "audio"}));
  sub->add_option("--device-class", args->device_class,
                  "Only this device class: camera, drone, phone or unknown")
      ->check(CLI::IsMember({"camera", "drone", "phone", "unknown"}));
  sub->add_option("--device", args->device,
                  "Only devices whose make and model contain TEXT (any case), e.g. 'mavic'");
  sub->add_option("--from", args->from, "Only taken on or after this day, YYYY-MM-DD");
  sub->add_option("--to", args->to, "Only taken on or before this day, YYYY-MM-DD");
  auto* run = sub->add_option("--run", args->run,
                              "Only assets first brought in by ingest run N (see --runs); with "
                              "--rejected, only that run's rejections");
  sub->add_option("--name", args->name,
                  "Only assets whose library path or any source path contains TEXT (any case)");
  sub->add_option("--near", args->near,
                  "Only assets taken within --within KM of LAT,LON (decimal degrees), e.g. "
                  "--near -6.9147,107.6098 --within 5");
  auto* within =
      sub->add_option("--within", args->within, "Distance in km for --near (more than 0)");
  sub->add_option("--bbox", args->bbox,
                  "Only assets taken inside the box SOUTH,WEST,NORTH,EAST (decimal degrees)");
  return
      [args, run, within] { return run_inventory(*args, run->count() > 0, within->count() > 0); };
}

}  // namespace saluran::cli
