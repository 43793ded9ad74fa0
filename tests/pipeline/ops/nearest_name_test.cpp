// The known name a mistyped one was meant to be: slips of one or two letters are found, a name
// that is nothing like any known one gets no suggestion.

#include "pipeline/ops/nearest_name.hpp"

#include <gtest/gtest.h>

namespace saluran {
namespace {

const std::vector<std::string> kPresets = {"instagram-square", "instagram-story", "web",
                                           "web-thumb",        "web-video",       "x-video",
                                           "youtube",          "youtube-shorts",  "radio-clip"};

TEST(EditDistance, CountsEachKindOfSlipOnce) {
  EXPECT_EQ(edit_distance("youtube", "youtube"), 0u);
  EXPECT_EQ(edit_distance("yotube", "youtube"), 1u);    // a letter left out
  EXPECT_EQ(edit_distance("youtubee", "youtube"), 1u);  // one too many
  EXPECT_EQ(edit_distance("yautube", "youtube"), 1u);   // one wrong
  EXPECT_EQ(edit_distance("yuotube", "youtube"), 1u);   // two swapped
  EXPECT_EQ(edit_distance("YouTube", "youtube"), 0u);   // case does not count
  EXPECT_EQ(edit_distance("", "web"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(NearestName, SuggestsTheNameMeant) {
  EXPECT_EQ(nearest_name("instagram-sqare", kPresets), "instagram-square");
  EXPECT_EQ(nearest_name("yuotube", kPresets), "youtube");
  EXPECT_EQ(nearest_name("radio_clip", kPresets), "radio-clip");
  EXPECT_EQ(nearest_name("web-thumbs", kPresets), "web-thumb");
}

TEST(NearestName, NothingWhenNoNameIsNearOrTheNameIsKnown) {
  EXPECT_EQ(nearest_name("tiktok", kPresets), "");
  EXPECT_EQ(nearest_name("facebook-photo", kPresets), "");
  EXPECT_EQ(nearest_name("web", kPresets), "");
  EXPECT_EQ(nearest_name("anything", {}), "");
}

}  // namespace
}  // namespace saluran
