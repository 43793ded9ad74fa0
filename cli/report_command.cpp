// `saluran report [RUN|STORY]`: the run report of a batch run as one HTML page and its JSON twin.

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "pipeline/stages/batch_record.hpp"
#include "pipeline/stages/report.hpp"

namespace saluran::cli {
namespace {

struct ReportArgs {
  std::string what;
  std::string library;
  std::string output;
  std::string lang;
  bool json = false;
  bool list = false;
};

int list_runs(const std::string& library, bool json) {
  Result<std::vector<std::string>> runs = list_batches(library);
  if (!runs) {
    std::cerr << "error: " << runs.error().to_string() << '\n';
    return kExitFatal;
  }
  nlohmann::json out = nlohmann::json::array();
  if (runs->empty() && !json)
    std::cout << "No batch run in " << library << " yet: run `saluran batch FOLDER...` first.\n";
  for (const std::string& name : *runs) {
    Result<BatchRecord> rec = load_batch(library, name);
    if (!rec) continue;
    const std::string when = report_date(rec->started_at, report_language_from_environment());
    if (json)
      out.push_back({{"name", name},
                     {"started_at", rec->started_at},
                     {"folders", rec->folders.size()},
                     {"shards", rec->shards}});
    else
      std::cout << fmt::format("{}  started {}  {} folder{}{}\n", name, when, rec->folders.size(),
                               rec->folders.size() == 1 ? "" : "s",
                               rec->shards > 1 ? fmt::format(", {} shards", rec->shards) : "");
  }
  if (json) std::cout << out.dump() << '\n';
  return kExitOk;
}

int print_result(const ReportResult& r, bool json) {
  const ReportSummary& s = r.summary;
  if (json) {
    nlohmann::json out = {{"run", r.run},
                          {"story", r.story},
                          {"language", report_language_code(r.language)},
                          {"html", r.html.string()},
                          {"json", r.json.string()},
                          {"html_bytes", r.html_bytes},
                          {"seconds", r.seconds},
                          {"summary", to_json(s)}};
    std::cout << out.dump() << '\n';
    return kExitOk;
  }
  std::cout << fmt::format(
      "Report of batch run {}{}: {} stor{}, {} assets, {} channel files, {} channels, {} posts, "
      "{} findings, {} failures.\n",
      r.run, r.story.empty() ? "" : " (story " + r.story + ")", s.stories,
      s.stories == 1 ? "y" : "ies", s.assets, s.renditions, s.channels, s.posts, s.findings,
      s.failures);
  std::cout << fmt::format("  HTML: {} ({:.1f} MB; open it in a web browser)\n  JSON: {}\n",
                           r.html.string(), r.html_bytes / 1e6, r.json.string());
  std::cout << fmt::format("  made in {:.2f} s\n", r.seconds);
  return kExitOk;
}

int run_report(const ReportArgs& args) {
  const std::string library = library_folder(args.library);
  if (args.list) return list_runs(library, args.json);
  ReportRequest req;
  req.library = library;
  req.what = args.what;
  req.output = args.output;
  if (!args.lang.empty()) {
    Result<ReportLanguage> lang = parse_report_language(args.lang);
    if (!lang) {
      std::cerr << "error: --lang: " << lang.error().message << '\n';
      return kExitUsage;
    }
    req.language = *lang;
  }
  Result<ReportResult> r = make_report(req);
  if (!r) {
    std::cerr << "error: " << r.error().message << '\n';
    if (!r.error().context.file.empty()) std::cerr << "  (" << r.error().context.file << ")\n";
    return kExitFatal;
  }
  return print_result(*r, args.json);
}

}  // namespace

Runner add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand(
      "report",
      "Write the report of a batch run: one HTML page that opens in any web browser with no\n"
      "network (pictures inside it), and a JSON file beside it for scripts.\n"
      "The page shows, per story: every asset with its file for each channel (a small picture,\n"
      "a sheet of frames for a video, a player for a radio sound), each check with what the\n"
      "channel expects and what the file has, the posts with their links and what the online\n"
      "check found, the files ingest refused and the plan's notes; at the top, the time of each\n"
      "SOP step beside the SOP's standard time, and the time saved.\n"
      "RUN is a batch run's name (see --list); STORY is a story's slug or its story.toml (the\n"
      "newest run holding it, only that story); nothing: the newest batch run.\n"
      "Written to <library>/.saluran/reports/<run>.html (and .json) unless -o says otherwise.\n"
      "Language: --lang id (Bahasa Indonesia) or en (English); by default Indonesian when\n"
      "LANGUAGE, LC_ALL, LC_MESSAGES or LANG starts with 'id', else English.\n"
      "Exit code: 0 written, 2 usage, 3 nothing written (no batch run, unknown name, disk).");
  sub->add_option("what", args->what, "A batch run's name, a story's slug or story.toml");
  sub->add_option("--library", args->library,
                  "Library folder (default: $SALURAN_LIBRARY, else ./library)");
  sub->add_option("-o,--output", args->output,
                  "The HTML file to write (the JSON goes beside it, with .json)");
  sub->add_option("--lang", args->lang, "id (Bahasa Indonesia) or en (English)");
  sub->add_flag("--json", args->json, "Print one JSON object: the files written and the counts");
  sub->add_flag("--list", args->list, "List the batch runs, newest first, and write nothing");
  return [args] { return run_report(*args); };
}

}  // namespace saluran::cli
