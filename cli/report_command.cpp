// `saluran report`: being written (the first version only says so).

#include <iostream>

#include "cli/commands.hpp"

namespace saluran::cli {

Runner add_report_command(CLI::App& app) {
  app.add_subcommand("report", "(not built yet)");
  return [] {
    std::cerr << "error: saluran report is not built yet\n";
    return kExitFatal;
  };
}

}  // namespace saluran::cli
