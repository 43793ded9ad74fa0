# Precompiled headers (SALURAN_PCH=ON, which `make` sets when CI=true): the heavy, stable headers
# that most files include (the standard library's, fmt, nlohmann-json; CLI11 for the CLI) are
# parsed once per target instead of once per file, for the library and the CLI. Off by default:
# ccache needs CCACHE_SLOPPINESS=pch_defines,time_macros to cache files built with them, and a
# build without them is the one that shows a file missing an #include of its own.
set(SALURAN_PCH_HEADERS
  <algorithm> <array> <atomic> <chrono> <cmath> <cstddef> <cstdint> <cstdlib> <cstring>
  <filesystem> <fstream> <functional> <map> <memory> <mutex> <optional> <random> <set>
  <sstream> <string> <string_view> <system_error> <thread> <utility> <vector>
  <fmt/format.h> <nlohmann/json.hpp>)
if(SALURAN_PCH)
  target_precompile_headers(saluran_core PRIVATE ${SALURAN_PCH_HEADERS})
  target_precompile_headers(saluran PRIVATE ${SALURAN_PCH_HEADERS} <CLI/CLI.hpp>)
  # Not for the tests: with the headers precompiled, GCC 12 inlines std::string differently and
  # warns wrongly in char_traits.h (-Warray-bounds, -Wstringop-overflow, -Wstringop-overread)
  # on test files that compile cleanly without them.
endif()
