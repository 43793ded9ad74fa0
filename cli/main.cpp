// saluran: the command-line front of the Saluran media pipeline. Parsing only; all work is in
// saluran_core.

#include <CLI/CLI.hpp>

#include <iostream>
#include <vector>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "Saluran: turns field photos, videos and sound into ready posts for every public channel.\n"
      "Run 'saluran COMMAND --help' for the options of one command."};
  app.set_version_flag("--version", std::string("saluran ") + SALURAN_VERSION);
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, saluran::cli::Runner>> commands;
  auto add = [&](saluran::cli::Runner runner) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(runner));
  };
  add(saluran::cli::add_probe_command(app));
  add(saluran::cli::add_ingest_command(app));
  add(saluran::cli::add_inventory_command(app));
  add(saluran::cli::add_check_command(app));
  add(saluran::cli::add_render_command(app));
  add(saluran::cli::add_focus_command(app));
  add(saluran::cli::add_faces_command(app));
  add(saluran::cli::add_presets_command(app));
  add(saluran::cli::add_story_command(app));
  add(saluran::cli::add_plan_command(app));
  add(saluran::cli::add_channels_command(app));
  add(saluran::cli::add_publish_command(app));
  add(saluran::cli::add_verify_command(app));
  add(saluran::cli::add_batch_command(app));
  add(saluran::cli::add_watch_command(app));
  add(saluran::cli::add_report_command(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : saluran::cli::kExitUsage;
  }
  for (auto& [sub, run] : commands) {
    if (sub->parsed()) return run();
  }
  return saluran::cli::kExitUsage;
}
