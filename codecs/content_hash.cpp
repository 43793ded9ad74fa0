#include "codecs/content_hash.hpp"

#include <fmt/format.h>
#include <xxhash.h>

namespace saluran {

std::string hash64_hex(std::string_view text) {
  return fmt::format("{:016x}", XXH3_64bits(text.data(), text.size()));
}

}  // namespace saluran
