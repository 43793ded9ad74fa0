#pragma once
// Each subcommand registers its options on the CLI11 app and returns the exit code when run.

#include <CLI/CLI.hpp>

#include <functional>

namespace saluran::cli {

/// Exit codes shared by every subcommand (documented in README.md).
enum ExitCode : int {
  kExitOk = 0,          ///< everything asked for was done
  kExitSomeFailed = 1,  ///< some files failed; the rest were done; see the per-file lines
  kExitUsage = 2,       ///< the command line was wrong
  kExitFatal = 3,       ///< nothing could be done (e.g. the library folder is unusable)
};

/// A registered subcommand: call it after parsing when its subcommand was chosen.
using Runner = std::function<int()>;

/// `saluran probe FILE|DIR...`
Runner add_probe_command(CLI::App& app);

/// `saluran inventory [--library DIR] [filters] [--summary|--runs|--rejected] [--json|--csv]`
Runner add_inventory_command(CLI::App& app);

/// `saluran ingest SRC... [--library DIR]`
Runner add_ingest_command(CLI::App& app);

/// `saluran check FILE... --preset P [--presets DIR] [--json]`
Runner add_check_command(CLI::App& app);

/// `saluran render INPUT... --preset P[,P...] -o OUTDIR`
Runner add_render_command(CLI::App& app);

/// `saluran faces FILE... [--detector auto|blazeface|haar] [--reframe W:H] [--poster] [--json]`
Runner add_faces_command(CLI::App& app);

/// `saluran focus FILE... [--at X,Y | --clear] [--library DIR] [--json]`
Runner add_focus_command(CLI::App& app);

/// `saluran presets [--presets DIR] list|show NAME|validate [FILE...]`
Runner add_presets_command(CLI::App& app);

/// `saluran story new --from-run LAST|ID [-o story.toml] [--library DIR] [--force]`
Runner add_story_command(CLI::App& app);

/// `saluran plan STORY [--channels a,b] [--library DIR] [-o OUT] [--json]`
Runner add_plan_command(CLI::App& app);
/// `saluran channels add|list|remove|test` (the channels.toml of the office)
Runner add_channels_command(CLI::App& app);

/// `saluran publish STORY [--channels A,B] [--dry-run] [--update] [--json]`
Runner add_publish_command(CLI::App& app);

/// `saluran verify STORY [--channels A,B] [--json]`
Runner add_verify_command(CLI::App& app);

/// `saluran batch DIR...`: the whole SOP over folders (cli/batch_command.cpp).
Runner add_batch_command(CLI::App& app);

/// `saluran watch DIR`: runs the batch on each new folder (cli/watch_command.cpp).
Runner add_watch_command(CLI::App& app);

/// `saluran report [RUN|STORY]`: the run report as HTML and JSON (cli/report_command.cpp).
Runner add_report_command(CLI::App& app);

}  // namespace saluran::cli
