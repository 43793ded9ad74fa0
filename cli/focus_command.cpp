// `saluran focus`: set, clear or show the focal point of assets in the library, by hand.
// render centres fill crops of the asset there instead of on what the content analysis finds.

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"

namespace saluran::cli {
namespace {

struct FocusArgs {
  std::vector<std::string> files;
  std::string library;
  std::vector<double> at;
  bool clear = false;
  bool json = false;
};

int run_focus(const FocusArgs& args) {
  const std::string library = library_folder(args.library);
  std::optional<Catalog> catalog = open_library_catalog(library);
  if (!catalog) return kExitFatal;
  std::optional<FocusPoint> wanted;
  if (!args.at.empty()) wanted = FocusPoint{args.at[0], args.at[1]};
  const bool change = wanted || args.clear;
  nlohmann::json out = nlohmann::json::array();
  int failed = 0;
  for (const std::string& file : args.files) {
    auto id = asset_of_file(*catalog, library, file);
    Status done = Ok{};
    if (!id) {
      done = id.error();
    } else if (!*id) {
      done = make_error(ErrorCode::kNotFound,
                        fmt::format("not in the catalog of {}: give a file of the library, or one "
                                    "it was ingested from",
                                    library),
                        file);
    } else if (change) {
      done = catalog->set_focus(**id, wanted);
    }
    std::optional<FocusPoint> now;
    if (done) {
      auto f = catalog->focus_of(**id);
      if (f)
        now = *f;
      else
        done = f.error();
    }
    if (!done) {
      ++failed;
      Error e = done.error();
      if (e.context.file.empty()) e.context.file = file;
      std::cerr << "error: " << e.to_string() << '\n';
      continue;
    }
    if (args.json) {
      nlohmann::json j{{"file", file}, {"asset", **id}, {"focus", nullptr}};
      if (now) j["focus"] = {{"x", now->x}, {"y", now->y}};
      out.push_back(std::move(j));
    } else if (now) {
      std::cout << fmt::format("{}: focus {:.3f},{:.3f}\n", file, now->x, now->y);
    } else {
      std::cout << fmt::format("{}: no focal point (faces and content decide)\n", file);
    }
  }
  if (args.json) std::cout << out.dump(2) << '\n';
  return failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

Runner add_focus_command(CLI::App& app) {
  auto args = std::make_shared<FocusArgs>();
  CLI::App* sub = app.add_subcommand(
      "focus",
      "Set, clear or show the focal point of assets in the library: where fill crops of them\n"
      "(Instagram 4:5, square, story; a 9:16 video) centre, instead of on the faces and content\n"
      "the analysis finds. A FILE is an asset's file in the library or a source file it was\n"
      "ingested from. 'render --focus' for one run takes precedence over the asset's point.\n"
      "Exit code: 0 done, 1 some files are not in the catalog, 2 usage, 3 no catalog.");
  sub->add_option("files", args->files, "Files of assets in the library")->required();
  sub->add_option("--library", args->library,
                  "Library folder (default: $SALURAN_LIBRARY, else ./library)");
  auto* at = sub->add_option("--at", args->at,
                             "Set the point, as fractions of the upright picture: --at 0.3,0.4 "
                             "(0,0 is the top left)")
                 ->delimiter(',')
                 ->expected(2)
                 ->check(CLI::Range(0.0, 1.0));
  sub->add_flag("--clear", args->clear, "Remove the point: faces and content decide again")
      ->excludes(at);
  sub->add_flag("--json", args->json,
                "Write JSON: [{\"file\", \"asset\", \"focus\": {\"x\", \"y\"} or null}]");
  return [args] { return run_focus(*args); };
}

}  // namespace saluran::cli
