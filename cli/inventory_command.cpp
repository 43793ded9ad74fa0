// `saluran inventory`: list what came into the library (SOP step 1), with filters, a summary by
// day, device class and kind, the ingest runs and the rejected files. The filters are checked
// by the library (pipeline/catalog/inventory_query); this file parses and prints.

#include <cctype>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "cli/text_output.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "pipeline/catalog/csv_writer.hpp"
#include "pipeline/catalog/dji_models.hpp"
#include "pipeline/catalog/inventory_query.hpp"
#include "pipeline/model/media_info_json.hpp"

namespace saluran::cli {
namespace {

/// Schema version of `inventory --json`; bumped on incompatible change.
constexpr int kInventoryJsonVersion = 1;

struct InventoryArgs {
  std::string library;
  bool json = false;
  bool csv = false;
  bool summary = false;
  bool runs = false;
  bool rejected = false;
  InventoryFilters filters;
  std::int64_t run = 0;
  double within = 0;
};

/// The filters as given: --run and --within only when they were on the command line.
InventoryFilters filters_of(const InventoryArgs& a, bool run_given, bool within_given) {
  InventoryFilters f = a.filters;
  if (run_given) f.run = a.run;
  if (within_given) f.within = a.within;
  return f;
}

std::string size_column(const MediaInfo& m) {
  std::string out;
  if (m.picture) out = fmt::format("{}x{}", m.picture->upright_width, m.picture->upright_height);
  if (m.duration_s && m.kind != MediaKind::kPhoto) {
    out += (out.empty() ? "" : " ") + short_duration(*m.duration_s);
  }
  return out;
}

/// True when `text` starts with `word` (any case) followed by a space or its end.
bool starts_with_word(const std::string& text, const std::string& word) {
  if (word.empty() || text.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(word[i])))
      return false;
  }
  return text.size() == word.size() || text[word.size()] == ' ';
}

/// Make and model, the make once: "Canon" + "Canon PowerShot S40" is "Canon PowerShot S40",
/// "NIKON CORPORATION" + "NIKON D70" is "NIKON D70" (the model already names the maker).
std::string device_name(const std::string& make, const std::string& model) {
  if (model.empty()) return make;
  const std::string first_word = make.substr(0, make.find(' '));
  if (make.empty() || starts_with_word(model, first_word)) return model;
  return make + " " + model;
}

std::string device_column(const MediaInfo& m) {
  std::string who = device_name(m.meta.make, m.meta.model);
  if (starts_with_word(m.meta.make, "DJI")) {
    const std::string product = dji_product_name(m.meta.model);
    if (!product.empty()) who = fmt::format("DJI {} {}", product, m.meta.model);
  }
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

template <class T>
std::string opt_number(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : std::string();
}

int fatal(const Error& e) {
  std::cerr << "error: " << e.to_string() << '\n';
  return kExitFatal;
}

/// The JSON document every --json listing shares: version, library and one named part.
void print_json(const std::string& library, const char* part, nlohmann::json list,
                nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json out{{"saluran_inventory", kInventoryJsonVersion}, {"library", library}};
  out[part] = std::move(list);
  for (auto& [key, value] : extra.items()) out[key] = std::move(value);
  std::cout << out.dump(2) << '\n';
}

// ---------------------------------------------------------------------------------------------
// Assets

/// An asset with every source record that held it.
struct Listed {
  Asset asset;
  std::vector<SourceRecord> sources;
};

Result<std::vector<Listed>> list_with_sources(Catalog& catalog, const AssetQuery& q) {
  Result<std::vector<Asset>> assets = catalog.list_assets(q);
  if (!assets) return assets.error();
  std::vector<Listed> out;
  out.reserve(assets->size());
  for (Asset& a : *assets) {
    Result<std::vector<SourceRecord>> s = catalog.sources_of(a.id);
    if (!s) return s.error();
    out.push_back({std::move(a), std::move(s.value())});
  }
  return out;
}

std::uint64_t total_bytes(const std::vector<Listed>& listed) {
  std::uint64_t bytes = 0;
  for (const Listed& l : listed) bytes += l.asset.info.size_bytes;
  return bytes;
}

nlohmann::json asset_json(const Listed& l) {
  const Asset& a = l.asset;
  nlohmann::json j = to_json(a.info);
  j["id"] = a.id;
  j["hash"] = a.hash;
  j["library_path"] = a.library_path;
  j["run"] = a.ingest_run;
  j["sidecars"] = a.sidecars;
  nlohmann::json src = nlohmann::json::array();
  for (const SourceRecord& s : l.sources) {
    nlohmann::json o{{"path", s.path},
                     {"size", s.size},
                     {"mtime_ns", s.mtime_ns},
                     {"outcome", source_outcome_name(s.outcome)}};
    if (!s.reason.empty()) o["reason"] = s.reason;
    src.push_back(std::move(o));
  }
  j["sources"] = std::move(src);
  return j;
}

void print_assets_json(const std::vector<Listed>& listed, const std::string& library) {
  nlohmann::json list = nlohmann::json::array();
  for (const Listed& l : listed) list.push_back(asset_json(l));
  print_json(library, "assets", std::move(list),
             {{"counts", {{"assets", listed.size()}, {"bytes", total_bytes(listed)}}}});
}

std::vector<std::string> asset_csv_fields(const Listed& l) {
  const Asset& a = l.asset;
  const MediaInfo& m = a.info;
  const SourceCounts n = count_sources(l.sources);
  const std::optional<GeoPoint>& g = m.meta.gps;
  return {std::to_string(a.id),
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
          m.path};
}

void print_assets_csv(const std::vector<Listed>& listed) {
  CsvWriter csv(std::cout);
  csv.row({"id",           "library_path",  "kind",           "container",
           "size_bytes",   "upright_width", "upright_height", "duration_s",
           "capture_time", "make",          "model",          "device_class",
           "latitude",     "longitude",     "altitude_m",     "hash",
           "run",          "sources",       "duplicates",     "first_source"});
  for (const Listed& l : listed) csv.row(asset_csv_fields(l));
}

std::vector<std::string> asset_table_row(const Listed& l) {
  const Asset& a = l.asset;
  const SourceCounts n = count_sources(l.sources);
  std::string src = std::to_string(n.sources);
  if (n.duplicates > 0) src += fmt::format(" ({} dup)", n.duplicates);
  std::string kind = media_kind_name(a.info.kind);
  if (!a.sidecars.empty()) kind += fmt::format("+{}", a.sidecars.size());
  return {a.library_path,
          kind,
          size_column(a.info),
          a.info.meta.capture_time.empty() ? "unknown" : a.info.meta.capture_time,
          device_column(a.info),
          gps_column(a.info),
          src};
}

/// "3 assets, 12.0 MB: 2 photos, 1 video".
std::string assets_total_line(const std::vector<Listed>& listed) {
  std::map<std::string, int> by_kind;
  for (const Listed& l : listed) ++by_kind[media_kind_name(l.asset.info.kind)];
  std::string kinds;
  for (const auto& [kind, count] : by_kind) {
    const bool plural = count != 1 && (kind == "photo" || kind == "video");
    kinds += fmt::format("{}{} {}{}", kinds.empty() ? ": " : ", ", count, kind, plural ? "s" : "");
  }
  return fmt::format("{} {}, {}{}", listed.size(), listed.size() == 1 ? "asset" : "assets",
                     human_bytes(total_bytes(listed)), kinds);
}

void print_assets_table(const std::vector<Listed>& listed) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"LIBRARY PATH", "KIND", "SIZE/LENGTH", "TAKEN", "DEVICE", "GPS", "SOURCES"});
  for (const Listed& l : listed) rows.push_back(asset_table_row(l));
  print_columns(rows);
  std::cout << assets_total_line(listed) << '\n';
}

int print_assets(Catalog& catalog, const AssetQuery& q, const InventoryArgs& args,
                 const std::string& library) {
  Result<std::vector<Listed>> listed = list_with_sources(catalog, q);
  if (!listed) return fatal(listed.error());
  if (args.json) {
    print_assets_json(*listed, library);
  } else if (args.csv) {
    print_assets_csv(*listed);
  } else {
    print_assets_table(*listed);
  }
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

/// The catalog's day of an asset without a capture time.
constexpr const char* kUnknownDay = "unknown";

/// The summary's rows added up, overall and by day (undated files apart), device class and
/// kind.
struct Totals {
  Total all;
  Total undated;
  std::map<std::string, Total> by_day;
  std::map<std::string, Total> by_class;
  std::map<std::string, Total> by_kind;
};

Totals add_up(const std::vector<SummaryRow>& rows) {
  Totals t;
  for (const SummaryRow& r : rows) {
    t.all.add(r);
    if (r.day == kUnknownDay) {
      t.undated.add(r);
    } else {
      t.by_day[r.day].add(r);
    }
    t.by_class[device_class_name(r.device_class)].add(r);
    t.by_kind[media_kind_name(r.kind)].add(r);
  }
  return t;
}

nlohmann::json total_json(const Total& t) { return {{"count", t.count}, {"bytes", t.bytes}}; }

void print_summary_json(const std::vector<SummaryRow>& rows, const Totals& t,
                        const std::string& library) {
  nlohmann::json list = nlohmann::json::array();
  for (const SummaryRow& r : rows) {
    list.push_back({{"day", r.day},
                    {"device_class", device_class_name(r.device_class)},
                    {"kind", media_kind_name(r.kind)},
                    {"count", r.count},
                    {"bytes", r.bytes}});
  }
  auto totals_of = [](const std::map<std::string, Total>& m) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, total] : m) j[key] = total_json(total);
    return j;
  };
  print_json(library, "summary", std::move(list),
             {{"totals",
               {{"all", total_json(t.all)},
                {"by_day", totals_of(t.by_day)},
                {"undated", total_json(t.undated)},
                {"by_device_class", totals_of(t.by_class)},
                {"by_kind", totals_of(t.by_kind)}}}});
}

void print_summary_csv(const std::vector<SummaryRow>& rows) {
  CsvWriter csv(std::cout);
  csv.row({"day", "device_class", "kind", "count", "bytes"});
  for (const SummaryRow& r : rows) {
    csv.row({r.day, device_class_name(r.device_class), media_kind_name(r.kind),
             std::to_string(r.count), std::to_string(r.bytes)});
  }
}

void print_summary_table(const std::vector<SummaryRow>& rows, const Totals& t) {
  std::vector<std::vector<std::string>> table;
  table.push_back({"DAY", "DEVICE", "KIND", "FILES", "SIZE"});
  for (const SummaryRow& r : rows) {
    table.push_back({r.day == kUnknownDay ? "undated" : r.day, device_class_name(r.device_class),
                     media_kind_name(r.kind), std::to_string(r.count), human_bytes(r.bytes)});
  }
  print_columns(table);
  auto line = [](const std::map<std::string, Total>& m) {
    std::string out;
    for (const auto& [key, total] : m) {
      out += fmt::format("{}{} {} ({})", out.empty() ? "" : ", ", key, total.count,
                         human_bytes(total.bytes));
    }
    return out.empty() ? std::string("none") : out;
  };
  std::cout << "by kind:          " << line(t.by_kind) << '\n';
  std::cout << "by device class:  " << line(t.by_class) << '\n';
  std::string undated;
  if (t.undated.count > 0) {
    undated = fmt::format(", and {} undated {} ({})", t.undated.count,
                          t.undated.count == 1 ? "file" : "files", human_bytes(t.undated.bytes));
  }
  std::cout << fmt::format("total: {} {}, {}, over {} {}{}\n", t.all.count,
                           t.all.count == 1 ? "file" : "files", human_bytes(t.all.bytes),
                           t.by_day.size(), t.by_day.size() == 1 ? "day" : "days", undated);
}

int print_summary(Catalog& catalog, const AssetQuery& q, const InventoryArgs& args,
                  const std::string& library) {
  Result<std::vector<SummaryRow>> rows = catalog.summarise(q);
  if (!rows) return fatal(rows.error());
  const Totals totals = add_up(*rows);
  if (args.json) {
    print_summary_json(*rows, totals, library);
  } else if (args.csv) {
    print_summary_csv(*rows);
  } else {
    print_summary_table(*rows, totals);
  }
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
    print_json(library, "runs", std::move(list));
    return kExitOk;
  }
  if (args.csv) {
    CsvWriter csv(std::cout);
    csv.row({"id", "started_at", "finished_at", "operator", "sources", "copied", "duplicates",
             "unchanged", "skipped", "rejected", "bytes_copied"});
    for (const IngestRun& r : *runs) {
      csv.row({std::to_string(r.id), r.started_at, r.finished_at, r.operator_name,
               join(r.sources, ";"), std::to_string(r.copied), std::to_string(r.duplicates),
               std::to_string(r.unchanged), std::to_string(r.skipped), std::to_string(r.rejected),
               std::to_string(r.bytes_copied)});
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
      list.push_back({{"run", r.run},
                      {"path", r.path},
                      {"code", r.code},
                      {"reason", r.reason},
                      {"runs", r.runs}});
    }
    print_json(library, "rejected", std::move(list));
    return kExitOk;
  }
  if (args.csv) {
    CsvWriter csv(std::cout);
    csv.row({"run", "path", "code", "reason", "runs"});
    for (const Rejection& r : *rejections) {
      csv.row({std::to_string(r.run), r.path, r.code, r.reason, std::to_string(r.runs)});
    }
    return kExitOk;
  }
  std::vector<std::vector<std::string>> table;
  // RUN is the latest run that rejected the file; TIMES how many runs did.
  table.push_back({"RUN", "TIMES", "FILE", "CODE", "REASON"});
  for (const Rejection& r : *rejections) {
    table.push_back({std::to_string(r.run), std::to_string(r.runs), r.path, r.code, r.reason});
  }
  print_columns(table);
  std::cout << fmt::format("{} rejected {}\n", rejections->size(),
                           rejections->size() == 1 ? "file" : "files");
  return kExitOk;
}

int run_inventory(const InventoryArgs& args, bool run_given, bool within_given) {
  const Result<AssetQuery> query = parse_inventory_query(filters_of(args, run_given, within_given));
  if (!query) {
    std::cerr << "error: " << query.error().message
              << "\nRun 'saluran inventory --help' for the options.\n";
    return kExitUsage;
  }
  const std::string library = library_folder(args.library);
  std::optional<Catalog> catalog = open_library_catalog(library);
  if (!catalog) return kExitFatal;
  if (args.runs) return print_runs(*catalog, args, library);
  if (args.rejected) return print_rejected(*catalog, args, run_given, library);
  if (args.summary) return print_summary(*catalog, *query, args, library);
  return print_assets(*catalog, *query, args, library);
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
  sub->add_option("--kind", args->filters.kind,
                  "Only this kind: photo, video, audio or telemetry (DJI .SRT flight logs)")
      ->check(CLI::IsMember({"photo", "video", "audio", "telemetry"}));
  sub->add_option("--device-class", args->filters.device_class,
                  "Only this device class: camera, drone, phone or unknown")
      ->check(CLI::IsMember({"camera", "drone", "phone", "unknown"}));
  sub->add_option("--device", args->filters.device,
                  "Only devices whose make and model contain TEXT (any case), e.g. 'dji' or "
                  "'powershot'; a DJI drone also by its product name, e.g. 'mavic'");
  sub->add_option("--from", args->filters.from, "Only taken on or after this day, YYYY-MM-DD");
  sub->add_option("--to", args->filters.to, "Only taken on or before this day, YYYY-MM-DD");
  auto* run = sub->add_option("--run", args->run,
                              "Only assets first brought in by ingest run N (see --runs); with "
                              "--rejected, only that run's rejections");
  sub->add_option("--name", args->filters.name,
                  "Only assets whose library path or any source path contains TEXT (any case)");
  sub->add_option("--near", args->filters.near,
                  "Only assets taken within --within KM of LAT,LON (decimal degrees), e.g. "
                  "--near -6.9147,107.6098 --within 5");
  auto* within =
      sub->add_option("--within", args->within, "Distance in km for --near (more than 0)");
  sub->add_option("--bbox", args->filters.bbox,
                  "Only assets taken inside the box SOUTH,WEST,NORTH,EAST (decimal degrees)");
  return
      [args, run, within] { return run_inventory(*args, run->count() > 0, within->count() > 0); };
}

}  // namespace saluran::cli
