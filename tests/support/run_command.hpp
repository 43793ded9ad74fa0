#pragma once
// Runs a command line for end-to-end tests and captures its output and exit code.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace saluran::test {

/// Output and exit code of a finished command.
struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout (stderr too when the command line redirects it)
};

/// Runs `command` through /bin/sh and captures its standard output.
inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// Quotes a path for /bin/sh.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace saluran::test
