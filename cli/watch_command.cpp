// `saluran watch`: being written (the first version only says so).

#include <iostream>

#include "cli/commands.hpp"

namespace saluran::cli {

Runner add_watch_command(CLI::App& app) {
  app.add_subcommand("watch", "(not built yet)");
  return [] {
    std::cerr << "error: saluran watch is not built yet\n";
    return kExitFatal;
  };
}

}  // namespace saluran::cli
