// `saluran batch`: being written (the first version only says so).

#include <iostream>

#include "cli/commands.hpp"

namespace saluran::cli {

Runner add_batch_command(CLI::App& app) {
  app.add_subcommand("batch", "(not built yet)");
  return [] {
    std::cerr << "error: saluran batch is not built yet\n";
    return kExitFatal;
  };
}

}  // namespace saluran::cli
