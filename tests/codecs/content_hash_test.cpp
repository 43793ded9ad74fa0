// The short digest behind render fingerprints: XXH3-64, so manifests written before stay valid.

#include "codecs/content_hash.hpp"

#include <gtest/gtest.h>

namespace saluran {
namespace {

TEST(ContentHash, IsXxh3Of64BitsInSixteenLowerCaseHexDigits) {
  // The published XXH3-64 digest of no bytes (seed 0).
  EXPECT_EQ(hash64_hex(""), "2d06800538d394c2");
  const std::string a = hash64_hex("0.1.0|/cards/C0001.MP4|1000|1|2");
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  EXPECT_EQ(a, hash64_hex("0.1.0|/cards/C0001.MP4|1000|1|2"));
  EXPECT_NE(a, hash64_hex("0.1.0|/cards/C0001.MP4|1000|1|3"));
}

}  // namespace
}  // namespace saluran
