// Presets as data: parsing, validation messages, extends, the built-ins and user overrides.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/presets/builtin_presets.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/presets/preset_json.hpp"
#include "tests/support/media_tree.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using Others = std::map<std::string, PresetSource>;

// A valid video preset to start each case from.
constexpr const char* kMinimalVideo = R"(
kind = "video"
container = "mp4"
[video]
width = 1080
height = 1920
aspect = "blur-pad"
bitrate_kbps = 8000
[audio]
codec = "aac"
)";

constexpr const char* kMinimalAudio = R"(
kind = "audio"
container = "mp3"
[audio]
codec = "mp3"
sample_rate = 44100
)";

PresetSource source(const std::string& name, const std::string& text) {
  return PresetSource{name, "presets/" + name + ".toml", text};
}

Result<Preset> parse(const std::string& text, const Others& others = {}) {
  return parse_preset(source("x", text), others);
}

// The error of a preset that must fail, as one line ("presets/x.toml: ... (line 3)").
std::string error_of(const std::string& text, const Others& others = {}) {
  Result<Preset> p = parse(text, others);
  if (p) {
    ADD_FAILURE() << "parsed, but should have failed:\n" << text;
    return {};
  }
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
  return p.error().to_string();
}

Others others_of(std::initializer_list<PresetSource> sources) {
  Others out;
  for (const PresetSource& s : sources) out[s.name] = s;
  return out;
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

// --- names ---------------------------------------------------------------------------------------

TEST(PresetNames, EnumsHaveTheirFileNames) {
  EXPECT_STREQ(preset_kind_name(PresetKind::kVideo), "video");
  EXPECT_STREQ(preset_kind_name(PresetKind::kAudio), "audio");
  EXPECT_STREQ(aspect_mode_name(AspectMode::kKeep), "keep");
  EXPECT_STREQ(aspect_mode_name(AspectMode::kFit), "fit");
  EXPECT_STREQ(aspect_mode_name(AspectMode::kFill), "fill");
  EXPECT_STREQ(aspect_mode_name(AspectMode::kBlurPad), "blur-pad");
  EXPECT_STREQ(too_long_name(TooLong::kError), "error");
  EXPECT_STREQ(too_long_name(TooLong::kTrim), "trim");
  EXPECT_STREQ(enlarge_name(Enlarge::kNever), "never");
  EXPECT_STREQ(enlarge_name(Enlarge::kToFrame), "to-frame");
}

// --- reading -------------------------------------------------------------------------------------

TEST(PresetParse, MinimalPresetGetsDefaults) {
  Result<Preset> p = parse(kMinimalVideo);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->name, "x");
  EXPECT_EQ(p->file, "presets/x.toml");
  EXPECT_EQ(p->extension, "mp4");  // from the container
  ASSERT_TRUE(p->video);
  EXPECT_EQ(p->video->codec, "h264");
  EXPECT_EQ(p->video->profile, "high");
  EXPECT_EQ(p->video->aspect, AspectMode::kBlurPad);
  EXPECT_DOUBLE_EQ(p->video->gop_seconds, 2.0);
  ASSERT_TRUE(p->audio);
  EXPECT_EQ(p->audio->sample_rate, 48000);
  EXPECT_FALSE(p->audio->loudness_lufs);
  EXPECT_EQ(p->limits.too_long, TooLong::kError);
}

TEST(PresetParse, PassThroughAndRecommendedRules) {
  Result<Preset> plain = parse(kMinimalVideo);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->video->passthrough, Passthrough::kNever);
  EXPECT_TRUE(plain->limits.recommended.empty());
  const std::string text = std::string(kMinimalVideo) +
                           "[limits]\nrecommended = [\"gop.length\", \"video.bframes\", "
                           "\"gop.length\"]\n";
  std::string with_copy = text;
  with_copy.replace(with_copy.find("[audio]"), 7, "passthrough = \"when-valid\"\n[audio]");
  Result<Preset> p = parse(with_copy);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->video->passthrough, Passthrough::kWhenValid);
  EXPECT_EQ(p->limits.recommended, (std::vector<std::string>{"gop.length", "video.bframes"}));
  EXPECT_STREQ(passthrough_name(p->video->passthrough), "when-valid");

  Result<Preset> typo =
      parse(std::string(kMinimalVideo) + "[limits]\nrecommended = [\"gop.len\"]\n");
  ASSERT_FALSE(typo);
  EXPECT_CONTAINS(typo.error().message, "limits.recommended: \"gop.len\" is not allowed");
  EXPECT_CONTAINS(typo.error().message, "\"gop.length\"");
  std::string bad_mode = std::string(kMinimalVideo);
  bad_mode.replace(bad_mode.find("[audio]"), 7, "passthrough = \"always\"\n[audio]");
  EXPECT_FALSE(parse(bad_mode));
}

TEST(PresetParse, NumbersMayBeWrittenWithoutAFraction) {
  Result<Preset> p = parse(std::string(kMinimalVideo) + "loudness_lufs = -23\n");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_DOUBLE_EQ(*p->audio->loudness_lufs, -23.0);
}

TEST(PresetParse, UnknownKeyNamesFileFullKeyAndAllowedKeys) {
  const std::string text = std::string(kMinimalVideo) + "[limits]\nmax_durration_s = 90\n";
  Result<Preset> p = parse(text);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(p.error().context.file, "presets/x.toml");
  EXPECT_EQ(p.error().context.detail, "line 12");
  const std::string m = p.error().message;
  EXPECT_CONTAINS(m, "unknown key limits.max_durration_s");
  EXPECT_CONTAINS(m, "did you mean limits.max_duration_s?");
  EXPECT_CONTAINS(m, "allowed in [limits]: min_duration_s, max_duration_s, max_file_bytes");
}

TEST(PresetParse, UnknownKeysEverywhere) {
  EXPECT_CONTAINS(error_of(std::string("colour = 1\n") + kMinimalVideo),
                  "unknown key colour; allowed at the top level: description, source, extends");
  EXPECT_CONTAINS(error_of(std::string(kMinimalVideo) + "[trim]\nfade = 1\n"),
                  "unknown key trim.fade");
  EXPECT_CONTAINS(error_of(std::string(kMinimalVideo) + "[extra]\na = 1\n"), "unknown key extra");
  EXPECT_CONTAINS(
      error_of(std::string(kMinimalVideo) + "[[video.bitrates]]\nmax_height = 720\nkbs = 5000\n"),
      "unknown key video.bitrates[0].kbs (did you mean video.bitrates[0].kbps?); "
      "allowed in [[video.bitrates]]: max_height, kbps, kbps_high_fps");
}

TEST(PresetParse, WrongTypeNamesKeyAndExpectedType) {
  const std::string base = "kind = \"video\"\n[audio]\n[video]\nbitrate_kbps = 8000\n";
  EXPECT_CONTAINS(error_of(base + "fps = \"30\"\n"),
                  "presets/x.toml: video.fps must be a number, not a string (line 5)");
  EXPECT_CONTAINS(error_of(base + "max_width = 1280.5\n"),
                  "video.max_width must be a whole number, not 1280.5");
  EXPECT_CONTAINS(error_of(base + "closed_gop = \"yes\"\n"),
                  "video.closed_gop must be true or false, not a string");
  EXPECT_CONTAINS(error_of(base + "profile = 3\n"),
                  "video.profile must be a string (in quotes), not a whole number");
  EXPECT_CONTAINS(error_of("video = 3\n"), "video must be a table ([video]), not a whole number");
  EXPECT_CONTAINS(error_of(base + "bitrates = 5\n"),
                  "video.bitrates must be a list of [[video.bitrates]] tables");
}

TEST(PresetParse, OutOfRangeNamesFileKeyValueAndRange) {
  Result<Preset> p = parse(R"(
[video]
width = 1080
height = 1920
aspect = "fill"
bitrate_kbps = 8000
fps = 500
)");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().context.file, "presets/x.toml");
  EXPECT_EQ(p.error().message, "video.fps = 500 is out of range (allowed 0 to 120)");
  EXPECT_EQ(p.error().to_string(),
            "presets/x.toml: video.fps = 500 is out of range (allowed 0 to 120) (line 7)");

  const std::string a = "kind = \"audio\"\ncontainer = \"wav\"\n[audio]\ncodec = \"pcm_s16le\"\n";
  EXPECT_CONTAINS(error_of(a + "loudness_lufs = -3\n"),
                  "audio.loudness_lufs = -3 is out of range (allowed -40 to -5)");
  EXPECT_CONTAINS(error_of(a + "true_peak_dbtp = 1.5\n"),
                  "audio.true_peak_dbtp = 1.5 is out of range (allowed -9 to 0)");
  EXPECT_CONTAINS(error_of(a + "sample_rate = 44000\n"),
                  "audio.sample_rate = 44000 is not allowed (allowed: 8000, 11025");
  EXPECT_CONTAINS(error_of(a + "channels = 3\n"),
                  "audio.channels = 3 is not allowed (allowed: 1, 2, 6)");
  EXPECT_CONTAINS(error_of(std::string(kMinimalVideo) + "[limits]\nmax_file_bytes = -1\n"),
                  "limits.max_file_bytes = -1 is out of range (allowed 0 to 1099511627776)");
  EXPECT_CONTAINS(error_of("[video]\nwidth = 8\nheight = 8\naspect = \"fit\"\n"),
                  "video.width = 8 is out of range (allowed 0, or 32 to 8192)");
  EXPECT_CONTAINS(error_of("[video]\nbframes = 17\n"),
                  "video.bframes = 17 is out of range (allowed 0 to 16)");
  EXPECT_CONTAINS(error_of("[video]\ngop_seconds = 0\n"),
                  "video.gop_seconds = 0 is out of range (allowed 0.1 to 10)");
}

TEST(PresetParse, EnumStringsListAllowedValues) {
  EXPECT_CONTAINS(error_of("[video]\naspect = \"stretch\"\n"),
                  "video.aspect = \"stretch\" is not allowed (allowed: \"keep\", \"fit\", "
                  "\"fill\", \"blur-pad\")");
  EXPECT_CONTAINS(error_of("kind = \"photo\"\n"),
                  "kind = \"photo\" is not allowed (allowed: \"video\", \"audio\", \"image\")");
  EXPECT_CONTAINS(error_of("container = \"mkv\"\n"),
                  "container = \"mkv\" is not allowed (allowed: \"mp4\", \"mp3\", \"wav\", "
                  "\"jpeg\", \"webp\")");
  EXPECT_CONTAINS(error_of("[video]\nspeed = \"turbo\"\n"),
                  "(allowed: \"ultrafast\", \"superfast\", \"veryfast\"");
  EXPECT_CONTAINS(error_of("[video]\nprofile = \"high10\"\n"),
                  "(allowed: \"baseline\", \"main\", \"high\")");
  EXPECT_CONTAINS(error_of("[video]\ncodec = \"vp9\"\n"), "(allowed: \"h264\")");
  EXPECT_CONTAINS(error_of("[audio]\ncodec = \"opus\"\n"),
                  "(allowed: \"aac\", \"mp3\", \"pcm_s16le\")");
  EXPECT_CONTAINS(error_of("[limits]\ntoo_long = \"cut\"\n"),
                  "limits.too_long = \"cut\" is not allowed (allowed: \"error\", \"trim\")");
  EXPECT_CONTAINS(error_of("[video]\nenlarge = \"always\"\n"),
                  "presets/x.toml: video.enlarge = \"always\" is not allowed (allowed: \"never\", "
                  "\"to-frame\")");
  EXPECT_CONTAINS(error_of("kind = \"image\"\n[image]\nenlarge = true\n"),
                  "image.enlarge must be a string");
  // The old boolean key is gone: it names the new one among the allowed keys.
  EXPECT_CONTAINS(error_of("kind = \"image\"\n[image]\nupscale = true\n"), "enlarge");
}

TEST(PresetParse, EnlargeIsNeverUnlessThePresetSaysToFrame) {
  Result<Preset> p = parse(kMinimalVideo);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->video->enlarge, Enlarge::kNever);
  std::string text = kMinimalVideo;
  text.insert(text.find("bitrate_kbps"), "enlarge = \"to-frame\"\n");
  p = parse(text);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->video->enlarge, Enlarge::kToFrame);
  p = parse("kind = \"image\"\n[image]\nenlarge = \"to-frame\"\n");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->image->enlarge, Enlarge::kToFrame);
}

TEST(PresetParse, SyntaxErrorGivesLineAndColumn) {
  Result<Preset> p = parse("kind = \"video\"\n[video\nwidth = 3\n");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(p.error().context.file, "presets/x.toml");
  EXPECT_CONTAINS(p.error().message, "is not valid TOML");
  EXPECT_CONTAINS(p.error().context.detail, "line 2, column");
}

TEST(PresetParse, BadNamesAndExtensions) {
  EXPECT_FALSE(parse_preset(PresetSource{"My Preset", "My Preset.toml", kMinimalVideo}, {}));
  EXPECT_CONTAINS(error_of(std::string("extension = \".mp4\"\n") + kMinimalVideo),
                  "extension = \".mp4\" must be 1 to 10 lower-case letters or digits");
  Result<Preset> p = parse(std::string("extension = \"m4v\"\n") + kMinimalVideo);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->extension, "m4v");
}

// --- rules between fields ------------------------------------------------------------------------

TEST(PresetParse, CrossFieldErrorsSayWhatIsWrong) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"kind = \"video\"\n[audio]\n", "kind = \"video\" needs a [video] table"},
      {"kind = \"video\"\ncontainer = \"mp3\"\n[video]\nbitrate_kbps = 900\n",
       "kind = \"video\" needs container = \"mp4\", not \"mp3\""},
      {"kind = \"audio\"\ncontainer = \"mp3\"\n[audio]\ncodec = \"mp3\"\n[video]\n",
       "kind = \"audio\" makes sound only: remove the [video] table"},
      {"kind = \"audio\"\ncontainer = \"mp3\"\n", "kind = \"audio\" needs an [audio] table"},
      {"kind = \"audio\"\n[audio]\n", "kind = \"audio\" needs container = \"mp3\" or \"wav\""},
      {"kind = \"audio\"\ncontainer = \"mp3\"\n[audio]\ncodec = \"aac\"\n",
       "container = \"mp3\" needs audio.codec = \"mp3\", not \"aac\""},
      {"kind = \"audio\"\ncontainer = \"wav\"\n[audio]\ncodec = \"mp3\"\n",
       "container = \"wav\" needs audio.codec = \"pcm_s16le\", not \"mp3\""},
      {"[video]\nbitrate_kbps = 900\n[audio]\ncodec = \"pcm_s16le\"\n",
       "container = \"mp4\" needs audio.codec = \"aac\", not \"pcm_s16le\""},
      {std::string(kMinimalAudio) + "channels = 6\n", "audio.channels = 6 is not possible in MP3"},
      {std::string(kMinimalAudio) + "bitrate_kbps = 384\n",
       "audio.bitrate_kbps = 384 is more than MP3 allows"},
      {"kind = \"audio\"\ncontainer = \"mp3\"\n[audio]\ncodec = \"mp3\"\nsample_rate = 96000\n",
       "audio.sample_rate = 96000 is not possible in MP3"},
      {"[video]\nwidth = 1080\naspect = \"fit\"\nbitrate_kbps = 900\n",
       "video.width = 1080 and video.height = 0: set both (a fixed frame) or neither"},
      {"[video]\naspect = \"fill\"\nbitrate_kbps = 900\n",
       "video.aspect = \"fill\" needs the frame: set video.width and video.height"},
      {"[video]\naspect = \"blur-pad\"\nbitrate_kbps = 900\n",
       "video.aspect = \"blur-pad\" needs the frame"},
      {"[video]\nwidth = 1280\nheight = 720\nbitrate_kbps = 900\n",
       "video.aspect = \"keep\" has no fixed frame: bound the size with video.max_width"},
      {"[video]\nwidth = 1081\nheight = 1920\naspect = \"fit\"\nbitrate_kbps = 900\n",
       "video.width = 1081 must be even"},
      {"[video]\nmax_width = 1280\n",
       "[video] needs a bitrate: video.bitrate_kbps, or a "
       "[[video.bitrates]] ladder"},
      {"[video]\n[[video.bitrates]]\nmax_height = 1080\nkbps = 8000\n[[video.bitrates]]\n"
       "max_height = 720\nkbps = 5000\n",
       "video.bitrates must go up by max_height: row 1 has max_height = 720 after 1080"},
      {"[video]\n[[video.bitrates]]\nkbps = 8000\n", "video.bitrates[0] needs max_height and kbps"},
      {"[video]\nbitrate_kbps = 9000\nmax_bitrate_kbps = 5000\n",
       "video.bitrate_kbps = 9000 is above video.max_bitrate_kbps = 5000"},
      {"[video]\nbitrate_kbps = 900\nmin_fps = 60\nmax_fps = 30\n",
       "video.min_fps = 60 is above video.max_fps = 30"},
      {"[video]\nbitrate_kbps = 900\nfps = 20\nmin_fps = 23\n",
       "video.fps = 20 is below video.min_fps = 23"},
      {"[video]\nbitrate_kbps = 900\nfps = 50\nmax_fps = 30\n",
       "video.fps = 50 is above video.max_fps = 30"},
      {"[video]\nbitrate_kbps = 900\nmax_width = 1920\nmax_height = 1080\n[limits]\n"
       "max_width = 1280\n",
       "the output can be 1920 pixels on its long side but limits.max_width = 1280"},
      {"[video]\nbitrate_kbps = 900\n[limits]\nmax_height = 1024\n",
       "the output can be any number of pixels on its short side but limits.max_height = 1024"},
      {"[video]\nbitrate_kbps = 900\nwidth = 1080\nheight = 1920\naspect = \"fill\"\n[limits]\n"
       "min_aspect = 0.8\n",
       "the frame 1080x1920 (aspect 0.56"},
      {"[video]\nbitrate_kbps = 900\n[limits]\nmin_duration_s = 10\nmax_duration_s = 5\n",
       "limits.min_duration_s = 10 is above limits.max_duration_s = 5"},
      {"[video]\nbitrate_kbps = 900\n[limits]\nmin_aspect = 2\nmax_aspect = 1\n",
       "limits.min_aspect = 2 is above limits.max_aspect = 1"},
      {"[video]\nbitrate_kbps = 900\n[trim]\nduration_s = 1\nfade_in_s = 0.8\nfade_out_s = 0.8\n",
       "trim.fade_in_s + trim.fade_out_s = 1.6 is longer than trim.duration_s = 1"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string e = error_of(text);
    EXPECT_CONTAINS(e, expected);
    EXPECT_EQ(e.rfind("presets/x.toml: ", 0), 0u) << e;
  }
}

TEST(PresetParse, PortraitFrameWithinLongAndShortSideLimits) {
  // X allows 1280x1024 and recommends 720x1280 upright: the limits bound long and short side.
  Result<Preset> p = parse(
      "[video]\nbitrate_kbps = 5000\nwidth = 720\nheight = 1280\naspect = \"fit\"\n"
      "[limits]\nmax_width = 1280\nmax_height = 1024\nmin_aspect = 0.3333\nmax_aspect = 3\n");
  EXPECT_TRUE(p) << p.error().to_string();
}

// --- extends -------------------------------------------------------------------------------------

constexpr const char* kParent = R"(
description = "parent"
kind = "video"
[video]
max_width = 1920
max_height = 1080
gop_seconds = 0.5
[[video.bitrates]]
max_height = 720
kbps = 5000
[[video.bitrates]]
max_height = 1080
kbps = 8000
kbps_high_fps = 12000
[audio]
bitrate_kbps = 384
[limits]
max_file_bytes = 1000
)";

TEST(PresetExtends, ChildTablesMergeOverTheParent) {
  const Others others = others_of({source("parent", kParent)});
  Result<Preset> p = parse(R"(
extends = "parent"
description = "child"
[video]
width = 1080
height = 1920
aspect = "blur-pad"
[limits]
max_duration_s = 180
too_long = "trim"
)",
                           others);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->name, "x");
  EXPECT_EQ(p->file, "presets/x.toml");
  EXPECT_EQ(p->extends, "parent");
  EXPECT_EQ(p->description, "child");
  EXPECT_EQ(p->video->width, 1080);
  EXPECT_EQ(p->video->aspect, AspectMode::kBlurPad);
  EXPECT_DOUBLE_EQ(p->video->gop_seconds, 0.5);  // inherited
  EXPECT_EQ(p->video->max_width, 1920);          // inherited
  ASSERT_EQ(p->video->bitrates.size(), 2u);
  EXPECT_EQ(p->video->bitrates[0].kbps_high_fps, 5000);  // absent: the same as kbps
  EXPECT_EQ(p->video->bitrates[1].kbps_high_fps, 12000);
  EXPECT_EQ(p->audio->bitrate_kbps, 384);
  EXPECT_EQ(p->limits.max_file_bytes, 1000u);
  EXPECT_DOUBLE_EQ(p->limits.max_duration_s, 180);
  EXPECT_EQ(p->limits.too_long, TooLong::kTrim);
}

TEST(PresetExtends, ChildLadderReplacesTheParentsWhole) {
  const Others others = others_of({source("parent", kParent)});
  Result<Preset> p =
      parse("extends = \"parent\"\n[[video.bitrates]]\nmax_height = 2160\nkbps = 40000\n", others);
  ASSERT_TRUE(p) << p.error().to_string();
  ASSERT_EQ(p->video->bitrates.size(), 1u);
  EXPECT_EQ(p->video->bitrates[0].max_height, 2160);
}

TEST(PresetExtends, ChainsResolveRecursively) {
  const Others others =
      others_of({source("parent", kParent),
                 source("middle", "extends = \"parent\"\n[audio]\nchannels = 1\n")});
  Result<Preset> p = parse("extends = \"middle\"\n[audio]\nbitrate_kbps = 96\n", others);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->description, "");  // describes the parent, so not inherited
  EXPECT_EQ(p->extends, "middle");
  EXPECT_EQ(p->audio->channels, 1);
  EXPECT_EQ(p->audio->bitrate_kbps, 96);
  EXPECT_DOUBLE_EQ(p->video->gop_seconds, 0.5);
}

TEST(PresetExtends, CycleIsAnError) {
  const Others others =
      others_of({source("a", "extends = \"b\"\n"), source("b", "extends = \"a\"\n")});
  Result<Preset> p = parse_preset(others.at("a"), others);
  ASSERT_FALSE(p);
  EXPECT_CONTAINS(p.error().message, "makes a loop: a -> b -> a");
}

TEST(PresetExtends, ExtendingItselfIsAnError) {
  EXPECT_CONTAINS(error_of("extends = \"x\"\n"), "extends = \"x\" names the preset itself");
}

TEST(PresetExtends, MissingParentListsKnownPresets) {
  const Others others = others_of({source("parent", kParent)});
  EXPECT_CONTAINS(error_of("extends = \"youtub\"\n", others),
                  "presets/x.toml: extends = \"youtub\", but there is no preset named \"youtub\" "
                  "(known: parent) (line 1)");
  EXPECT_CONTAINS(error_of("extends = 3\n"), "extends must be a string");
}

TEST(PresetExtends, InheritedBadValueNamesTheParentFile) {
  const Others others =
      others_of({source("parent", std::string(kParent) + "[trim]\nfade_in_s = 99\n")});
  Result<Preset> p = parse("extends = \"parent\"\n", others);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().context.file, "presets/parent.toml");
  EXPECT_EQ(p.error().context.detail, "line 20");
  EXPECT_CONTAINS(p.error().message, "trim.fade_in_s = 99 is out of range (allowed 0 to 60)");
}

TEST(PresetExtends, BrokenParentIsReportedWithWhoNeedsIt) {
  const Others others = others_of({source("parent", "kind = \n")});
  Result<Preset> p = parse("extends = \"parent\"\n", others);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().context.file, "presets/parent.toml");
  EXPECT_CONTAINS(p.error().context.detail, "needed by x, which extends it");
}

TEST(PresetExtends, AudioPresetCannotExtendVideo) {
  const Others others = others_of({source("parent", kParent)});
  EXPECT_CONTAINS(
      error_of("extends = \"parent\"\nkind = \"audio\"\ncontainer = \"mp3\"\n[audio]\n"
               "codec = \"mp3\"\n",
               others),
      "kind = \"audio\" makes sound only, but it extends \"parent\", which has a [video] table");
}

// --- built-ins -----------------------------------------------------------------------------------

class BuiltinPresets : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<PresetCatalog> c = PresetCatalog::load({});
    ASSERT_TRUE(c) << c.error().to_string();
    catalog_ = std::move(*c);
  }
  Preset get(const std::string& name) {
    Result<Preset> p = catalog_->get(name);
    EXPECT_TRUE(p) << p.error().to_string();
    return p ? *p : Preset{};
  }
  std::optional<PresetCatalog> catalog_;
};

TEST_F(BuiltinPresets, TheListedOnesAreThereAndAllParse) {
  const std::vector<std::string> expected = {"facebook-photo",
                                             "facebook-reel",
                                             "facebook-video",
                                             "instagram-feed-4x5",
                                             "instagram-feed-video",
                                             "instagram-landscape",
                                             "instagram-reel",
                                             "instagram-square",
                                             "instagram-story",
                                             "instagram-story-fit",
                                             "podcast",
                                             "radio-broadcast",
                                             "radio-clip",
                                             "web",
                                             "web-thumb",
                                             "web-video",
                                             "x-photo",
                                             "x-video",
                                             "youtube",
                                             "youtube-shorts",
                                             "youtube-thumbnail"};
  EXPECT_EQ(catalog_->names(), expected);
  EXPECT_EQ(builtin_presets().size(), expected.size());
  EXPECT_TRUE(catalog_->validate_all().empty());
  for (const PresetSource& s : builtin_presets()) {
    EXPECT_EQ(s.file, "builtin:presets/" + s.name + ".toml");
    Result<Preset> p = catalog_->get(s.name);
    ASSERT_TRUE(p) << p.error().to_string();
    EXPECT_FALSE(p->description.empty()) << s.name;
    EXPECT_NE(p->source.find("reference/channels.md"), std::string::npos) << s.name;
    EXPECT_NE(s.text.find("# Source: reference/channels.md section"), std::string::npos)
        << s.name << " needs a comment header citing its source";
  }
}

TEST_F(BuiltinPresets, YouTube) {
  const Preset p = get("youtube");
  EXPECT_EQ(p.kind, PresetKind::kVideo);
  EXPECT_EQ(p.container, "mp4");
  ASSERT_TRUE(p.video && p.audio);
  const VideoSpec& v = *p.video;
  EXPECT_EQ(v.profile, "high");
  EXPECT_EQ(v.aspect, AspectMode::kKeep);
  EXPECT_EQ(v.max_width, 3840);
  EXPECT_EQ(v.max_height, 2160);
  EXPECT_EQ(v.fps, 0);
  EXPECT_EQ(v.max_fps, 60);
  EXPECT_EQ(v.bframes, 2);
  EXPECT_DOUBLE_EQ(v.gop_seconds, 0.5);
  EXPECT_TRUE(v.closed_gop);
  EXPECT_EQ(v.pixel_format, "yuv420p");
  EXPECT_EQ(v.speed, "superfast");  // measured (presets/README.md)
  EXPECT_EQ(v.max_bitrate_kbps, 0);
  ASSERT_EQ(v.bitrates.size(), 6u);
  const int ladder[6][3] = {{360, 1000, 1500},   {480, 2500, 4000},    {720, 5000, 7500},
                            {1080, 8000, 12000}, {1440, 16000, 24000}, {2160, 40000, 60000}};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(v.bitrates[i].max_height, ladder[i][0]);
    EXPECT_EQ(v.bitrates[i].kbps, ladder[i][1]);
    EXPECT_EQ(v.bitrates[i].kbps_high_fps, ladder[i][2]);
  }
  EXPECT_EQ(p.audio->codec, "aac");
  EXPECT_EQ(p.audio->sample_rate, 48000);
  EXPECT_EQ(p.audio->channels, 2);
  EXPECT_EQ(p.audio->bitrate_kbps, 384);
  EXPECT_EQ(p.limits.max_file_bytes, 274877906944u);
}

TEST_F(BuiltinPresets, YouTubeShorts) {
  const Preset p = get("youtube-shorts");
  EXPECT_EQ(p.extends, "youtube");
  EXPECT_EQ(p.video->width, 1080);
  EXPECT_EQ(p.video->height, 1920);
  EXPECT_EQ(p.video->aspect, AspectMode::kBlurPad);
  EXPECT_DOUBLE_EQ(p.video->gop_seconds, 0.5);
  EXPECT_EQ(p.video->bitrates.size(), 6u);
  EXPECT_DOUBLE_EQ(p.limits.max_duration_s, 180);
  EXPECT_EQ(p.limits.too_long, TooLong::kTrim);
  EXPECT_EQ(p.audio->bitrate_kbps, 384);
}

TEST_F(BuiltinPresets, Facebook) {
  const Preset v = get("facebook-video");
  EXPECT_EQ(v.video->aspect, AspectMode::kKeep);
  EXPECT_EQ(v.video->max_width, 1920);
  EXPECT_EQ(v.video->max_height, 1080);
  EXPECT_EQ(v.video->min_fps, 24);
  EXPECT_EQ(v.video->max_fps, 60);
  EXPECT_DOUBLE_EQ(v.video->gop_seconds, 2);
  EXPECT_EQ(v.audio->bitrate_kbps, 128);
  EXPECT_EQ(v.audio->sample_rate, 48000);
  EXPECT_EQ(v.limits.max_file_bytes, 2147483648u);

  const Preset r = get("facebook-reel");
  EXPECT_EQ(r.video->width, 1080);
  EXPECT_EQ(r.video->height, 1920);
  EXPECT_EQ(r.video->aspect, AspectMode::kBlurPad);
  EXPECT_EQ(r.video->fps, 30);
  EXPECT_EQ(r.video->bitrate_kbps, 8000);
  EXPECT_EQ(r.video->enlarge, Enlarge::kToFrame);  // "minimum 540 x 960"
  EXPECT_EQ(v.video->enlarge, Enlarge::kNever);
  EXPECT_DOUBLE_EQ(r.limits.min_duration_s, 3);
  EXPECT_DOUBLE_EQ(r.limits.max_duration_s, 90);
  EXPECT_EQ(r.limits.too_long, TooLong::kTrim);
  EXPECT_EQ(r.audio->bitrate_kbps, 128);
}

TEST_F(BuiltinPresets, Instagram) {
  const Preset r = get("instagram-reel");
  EXPECT_EQ(r.video->width, 1080);
  EXPECT_EQ(r.video->height, 1920);
  EXPECT_EQ(r.video->aspect, AspectMode::kBlurPad);
  EXPECT_EQ(r.video->fps, 0);
  EXPECT_EQ(r.video->min_fps, 23);
  EXPECT_EQ(r.video->max_fps, 60);
  EXPECT_EQ(r.video->bitrate_kbps, 8000);
  EXPECT_EQ(r.video->max_bitrate_kbps, 25000);
  EXPECT_EQ(r.audio->codec, "aac");
  EXPECT_EQ(r.audio->sample_rate, 48000);
  EXPECT_EQ(r.audio->channels, 2);
  EXPECT_EQ(r.audio->bitrate_kbps, 128);
  EXPECT_DOUBLE_EQ(r.limits.min_duration_s, 3);
  EXPECT_DOUBLE_EQ(r.limits.max_duration_s, 900);
  EXPECT_EQ(r.limits.max_file_bytes, 314572800u);
  EXPECT_EQ(r.limits.max_width, 1920);

  const Preset f = get("instagram-feed-video");
  EXPECT_EQ(f.video->width, 1080);
  EXPECT_EQ(f.video->height, 1350);
  EXPECT_EQ(f.video->aspect, AspectMode::kFill);
  EXPECT_EQ(f.video->enlarge, Enlarge::kNever);
  EXPECT_EQ(r.video->enlarge, Enlarge::kNever);
  EXPECT_EQ(f.video->max_bitrate_kbps, 25000);
  EXPECT_EQ(f.audio->bitrate_kbps, 128);
}

TEST_F(BuiltinPresets, XAndWeb) {
  const Preset x = get("x-video");
  EXPECT_EQ(x.video->aspect, AspectMode::kKeep);
  EXPECT_EQ(x.video->max_width, 1280);
  EXPECT_EQ(x.video->max_height, 720);
  EXPECT_EQ(x.video->profile, "high");
  EXPECT_EQ(x.video->max_fps, 60);
  EXPECT_EQ(x.video->bitrate_kbps, 5000);
  EXPECT_EQ(x.audio->bitrate_kbps, 128);
  EXPECT_EQ(x.limits.max_width, 1280);
  EXPECT_EQ(x.limits.max_height, 1024);
  EXPECT_NEAR(x.limits.min_aspect, 1.0 / 3, 0.001);
  EXPECT_DOUBLE_EQ(x.limits.max_aspect, 3);
  EXPECT_DOUBLE_EQ(x.limits.min_duration_s, 0.5);
  EXPECT_DOUBLE_EQ(x.limits.max_duration_s, 1200);

  const Preset w = get("web-video");
  EXPECT_EQ(w.video->max_width, 1280);
  EXPECT_EQ(w.video->max_height, 720);
  EXPECT_EQ(w.video->bitrate_kbps, 2500);
  EXPECT_DOUBLE_EQ(w.video->gop_seconds, 2);
  EXPECT_EQ(w.audio->bitrate_kbps, 128);
}

TEST_F(BuiltinPresets, Radio) {
  const Preset c = get("radio-clip");
  EXPECT_EQ(c.kind, PresetKind::kAudio);
  EXPECT_EQ(c.container, "mp3");
  EXPECT_EQ(c.extension, "mp3");
  EXPECT_FALSE(c.video);
  EXPECT_EQ(c.audio->codec, "mp3");
  EXPECT_EQ(c.audio->sample_rate, 44100);
  EXPECT_EQ(c.audio->channels, 1);
  EXPECT_TRUE(c.audio->cbr);
  EXPECT_EQ(c.audio->bitrate_kbps, 128);
  ASSERT_TRUE(c.audio->loudness_lufs);
  EXPECT_DOUBLE_EQ(*c.audio->loudness_lufs, -23);
  EXPECT_DOUBLE_EQ(c.audio->loudness_tolerance_lu, 0.5);
  EXPECT_DOUBLE_EQ(c.audio->true_peak_dbtp, -1);
  EXPECT_DOUBLE_EQ(c.trim.fade_in_s, 0);
  EXPECT_DOUBLE_EQ(c.trim.fade_out_s, 0.5);

  const Preset b = get("radio-broadcast");
  EXPECT_EQ(b.container, "wav");
  EXPECT_EQ(b.extension, "wav");
  EXPECT_EQ(b.audio->codec, "pcm_s16le");
  EXPECT_EQ(b.audio->sample_rate, 48000);
  EXPECT_EQ(b.audio->channels, 2);
  EXPECT_DOUBLE_EQ(*b.audio->loudness_lufs, -23);
  EXPECT_DOUBLE_EQ(b.audio->true_peak_dbtp, -1);

  const Preset p = get("podcast");
  EXPECT_EQ(p.container, "mp3");
  EXPECT_EQ(p.audio->sample_rate, 44100);
  EXPECT_EQ(p.audio->channels, 2);
  EXPECT_EQ(p.audio->bitrate_kbps, 128);
  EXPECT_TRUE(p.audio->cbr);
  EXPECT_DOUBLE_EQ(*p.audio->loudness_lufs, -16);
  EXPECT_DOUBLE_EQ(p.audio->true_peak_dbtp, -1);
}

TEST_F(BuiltinPresets, Pictures) {
  // channels.md 3.2: Instagram feed 4:5 to 1.91:1, JPEG, at most 8 MB.
  const Preset ig = get("instagram-feed-4x5");
  EXPECT_EQ(ig.kind, PresetKind::kImage);
  EXPECT_EQ(ig.extension, "jpg");
  EXPECT_EQ(ig.image->width, 1080);
  EXPECT_EQ(ig.image->height, 1350);
  EXPECT_EQ(ig.image->aspect, AspectMode::kFill);
  EXPECT_EQ(ig.limits.max_file_bytes, 8000000u);
  EXPECT_FALSE(ig.image->keep_gps);
  const std::pair<const char*, std::pair<int, int>> frames[] = {
      {"instagram-square", {1080, 1080}},
      {"instagram-landscape", {1080, 566}},
      {"instagram-story", {1080, 1920}},
      {"web-thumb", {640, 360}},
      {"youtube-thumbnail", {1280, 720}}};
  for (const auto& [name, size] : frames) {
    const Preset p = get(name);
    EXPECT_EQ(p.image->aspect, AspectMode::kFill) << name;
    EXPECT_EQ(std::make_pair(p.image->width, p.image->height), size) << name;
    // Only our own card size (web-thumb) is not a channel's required size.
    EXPECT_EQ(p.image->enlarge,
              std::string(name) == "web-thumb" ? Enlarge::kNever : Enlarge::kToFrame)
        << name;
  }
  EXPECT_EQ(ig.image->enlarge, Enlarge::kToFrame);
  // The whole photo in a story: instagram-story's frame and limits, blur-pad.
  const Preset story_fit = get("instagram-story-fit");
  EXPECT_EQ(story_fit.image->aspect, AspectMode::kBlurPad);
  EXPECT_EQ(std::make_pair(story_fit.image->width, story_fit.image->height),
            std::make_pair(1080, 1920));
  EXPECT_EQ(story_fit.image->enlarge, Enlarge::kToFrame);
  EXPECT_EQ(story_fit.limits.max_file_bytes, 8000000u);
  EXPECT_EQ(get("youtube-thumbnail").limits.max_file_bytes, 2000000u);
  const Preset fb = get("facebook-photo");
  EXPECT_EQ(fb.image->max_width, 2048);
  EXPECT_EQ(fb.limits.max_file_bytes, 4000000u);
  const Preset x = get("x-photo");
  EXPECT_EQ(x.image->max_width, 4096);
  EXPECT_EQ(x.limits.max_file_bytes, 5000000u);
  const Preset web = get("web");
  EXPECT_EQ(web.image->widths, (std::vector<int>{480, 960, 1440, 2048}));
  EXPECT_EQ(web.image->formats, (std::vector<std::string>{"jpeg", "webp"}));
}

TEST(PresetParse, PictureRulesSayWhatIsWrong) {
  auto message = [](const std::string& text) {
    Result<Preset> p = parse(text);
    return p ? std::string() : p.error().to_string();
  };
  const std::string base = "kind = \"image\"\n[image]\n";
  EXPECT_EQ(message(base + "width = 100\nheight = 100\naspect = \"fill\"\n"), "");
  EXPECT_NE(message(base + "aspect = \"fill\"\n").find("needs the frame"), std::string::npos);
  EXPECT_NE(message(base + "formats = [\"gif\"]\n").find("\"gif\" is not allowed"),
            std::string::npos);
  EXPECT_NE(message(base + "quality = 101\n").find("image.quality = 101 is out of range"),
            std::string::npos);
  EXPECT_NE(message(base + "quality = 50\nmin_quality = 60\n").find("above image.quality"),
            std::string::npos);
  EXPECT_NE(message(base + "widths = [480]\nwidth = 100\nheight = 100\naspect = \"fill\"\n")
                .find("responsive"),
            std::string::npos);
  EXPECT_NE(message(base + "qualty = 80\n").find("did you mean image.quality"), std::string::npos);
  EXPECT_NE(message("kind = \"image\"\n").find("needs an [image] table"), std::string::npos);
  EXPECT_NE(
      message(std::string(kMinimalVideo) + "[image]\nquality = 80\n").find("remove the [image]"),
      std::string::npos);
  EXPECT_EQ(message(base + "width = 100\nheight = 100\naspect = \"fit\"\n"), "");
  EXPECT_NE(
      message(base + "aspect = \"blur-pad\"\n").find("image.aspect = \"blur-pad\" needs the frame"),
      std::string::npos);
  EXPECT_NE(message(base + "background = \"white\"\n").find("is not a colour"), std::string::npos);
  Result<Preset> fit =
      parse(base + "width = 100\nheight = 100\naspect = \"fit\"\nbackground = \"#FFaa00\"\n");
  ASSERT_TRUE(fit) << fit.error().to_string();
  EXPECT_EQ(fit->image->background, "#ffaa00");
  EXPECT_EQ(preset_to_json(*fit)["image"]["background"], "#ffaa00");
  Result<Preset> webp = parse(base + "formats = [\"webp\"]\n");
  ASSERT_TRUE(webp) << webp.error().to_string();
  EXPECT_EQ(webp->container, "webp");
  EXPECT_EQ(webp->extension, "webp");
}

TEST_F(BuiltinPresets, JsonHasEveryFieldWithEnumNames) {
  const nlohmann::json j = preset_to_json(get("youtube-shorts"));
  EXPECT_EQ(j["name"], "youtube-shorts");
  EXPECT_EQ(j["extends"], "youtube");
  EXPECT_EQ(j["file"], "builtin:presets/youtube-shorts.toml");
  EXPECT_EQ(j["kind"], "video");
  EXPECT_EQ(j["video"]["aspect"], "blur-pad");
  EXPECT_EQ(j["video"]["gop_seconds"], 0.5);
  EXPECT_EQ(j["video"]["bitrates"].size(), 6u);
  EXPECT_EQ(j["video"]["bitrates"][3]["kbps_high_fps"], 12000);
  EXPECT_TRUE(j["audio"]["loudness_lufs"].is_null());
  EXPECT_EQ(j["limits"]["too_long"], "trim");
  EXPECT_EQ(j["limits"]["max_file_bytes"], 274877906944u);
  EXPECT_EQ(j["trim"]["fade_out_s"], 0);
  EXPECT_EQ(j["video"]["enlarge"], "never");
  EXPECT_EQ(j["video"]["passthrough"], "when-valid");  // from youtube
  EXPECT_NE(
      std::find(j["limits"]["recommended"].begin(), j["limits"]["recommended"].end(), "gop.length"),
      j["limits"]["recommended"].end());
  EXPECT_EQ(j["video"].size(), 21u);  // every VideoSpec member
  EXPECT_EQ(j["audio"].size(), 8u);
  EXPECT_EQ(j["limits"].size(), 9u);
  EXPECT_EQ(j["trim"].size(), 4u);

  const nlohmann::json radio = preset_to_json(get("radio-clip"));
  EXPECT_TRUE(radio["video"].is_null());
  EXPECT_EQ(radio["audio"]["loudness_lufs"], -23.0);
}

// --- the catalog and the user folder -------------------------------------------------------------

TEST(PresetCatalog, MissingUserFolderMeansBuiltinsOnly) {
  Result<PresetCatalog> c = PresetCatalog::load("/nonexistent/saluran/presets");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->names().size(), builtin_presets().size());
  EXPECT_TRUE(c->is_builtin("youtube"));
  EXPECT_EQ(c->file_of("youtube"), "builtin:presets/youtube.toml");
  EXPECT_EQ(c->file_of("nosuch"), "");
  Result<Preset> none = c->get("nosuch");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_NE(none.error().message.find("known: facebook-photo, facebook-reel, "), std::string::npos);
}

TEST(PresetCatalog, UserFileOverridesBuiltinAndMayExtendIt) {
  test::TempDir dir("presets");
  // Same name as the built-in, extending it: only the audio rate changes.
  test::write_text(dir / "youtube.toml", "extends = \"youtube\"\n[audio]\nbitrate_kbps = 192\n");
  // A new preset built on a built-in.
  test::write_text(dir / "radio-clip-stereo.toml",
                   "extends = \"radio-clip\"\ndescription = \"stereo clip\"\n[audio]\n"
                   "channels = 2\n");
  // Same name, replacing the built-in whole.
  test::write_text(dir / "podcast.toml", kMinimalAudio);
  // Not presets: ignored.
  test::write_text(dir / "notes.txt", "hello");
  test::write_text(dir / ".#x.toml", "broken");

  Result<PresetCatalog> c = PresetCatalog::load(dir.path());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->names().size(), builtin_presets().size() + 1);
  EXPECT_FALSE(c->is_builtin("youtube"));
  EXPECT_EQ(c->file_of("youtube"), dir / "youtube.toml");

  Result<Preset> yt = c->get("youtube");
  ASSERT_TRUE(yt) << yt.error().to_string();
  EXPECT_EQ(yt->file, dir / "youtube.toml");
  EXPECT_EQ(yt->audio->bitrate_kbps, 192);
  EXPECT_DOUBLE_EQ(yt->video->gop_seconds, 0.5);
  EXPECT_EQ(yt->video->bitrates.size(), 6u);

  // youtube-shorts extends "youtube", which is now the user's.
  Result<Preset> shorts = c->get("youtube-shorts");
  ASSERT_TRUE(shorts) << shorts.error().to_string();
  EXPECT_EQ(shorts->audio->bitrate_kbps, 192);

  Result<Preset> stereo = c->get("radio-clip-stereo");
  ASSERT_TRUE(stereo) << stereo.error().to_string();
  EXPECT_EQ(stereo->audio->channels, 2);
  EXPECT_DOUBLE_EQ(*stereo->audio->loudness_lufs, -23);

  Result<Preset> podcast = c->get("podcast");
  ASSERT_TRUE(podcast) << podcast.error().to_string();
  EXPECT_FALSE(podcast->audio->loudness_lufs);  // replaced, nothing inherited
  EXPECT_TRUE(c->validate_all().empty());
}

TEST(PresetCatalog, BadUserFileIsReportedNotFatal) {
  test::TempDir dir("presets");
  test::write_text(dir / "broken.toml", "[video]\nfps = 500\n");
  Result<PresetCatalog> c = PresetCatalog::load(dir.path());
  ASSERT_TRUE(c) << c.error().to_string();
  const std::vector<Error> errors = c->validate_all();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].context.file, dir / "broken.toml");
  EXPECT_NE(errors[0].message.find("video.fps = 500 is out of range"), std::string::npos);
  EXPECT_TRUE(c->get("youtube"));
}

TEST(PresetCatalog, UserFolderThatIsAFileIsAnError) {
  test::TempDir dir("presets");
  test::write_text(dir / "file", "x");
  Result<PresetCatalog> c = PresetCatalog::load(dir / "file");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
}

TEST(PresetCatalog, ReadPresetFile) {
  test::TempDir dir("presets");
  test::write_text(dir / "mine.toml", kMinimalAudio);
  Result<PresetSource> s = read_preset_file(dir / "mine.toml");
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->name, "mine");
  EXPECT_EQ(s->file, dir / "mine.toml");
  EXPECT_EQ(s->text, kMinimalAudio);
  Result<PresetSource> missing = read_preset_file(dir / "nope.toml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  test::write_text(dir / "big.toml", std::string(kMaxPresetFileBytes + 1, '#'));
  EXPECT_FALSE(read_preset_file(dir / "big.toml"));
}

using test::ScopedEnv;

TEST(PresetCatalog, UserPresetsDirFollowsTheEnvironment) {
  {
    ScopedEnv a("SALURAN_PRESETS", "/srv/presets");
    EXPECT_EQ(user_presets_dir().string(), "/srv/presets");
  }
  ScopedEnv a("SALURAN_PRESETS", nullptr);
  {
    ScopedEnv b("XDG_CONFIG_HOME", "/cfg");
    EXPECT_EQ(user_presets_dir().string(), "/cfg/saluran/presets");
  }
  ScopedEnv b("XDG_CONFIG_HOME", nullptr);
  ScopedEnv c("HOME", "/home/staff");
  EXPECT_EQ(user_presets_dir().string(), "/home/staff/.config/saluran/presets");
}

}  // namespace
}  // namespace saluran
