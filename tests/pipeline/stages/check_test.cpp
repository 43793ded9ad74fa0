// The check stage on small files made with the ffmpeg CLI: a file made to the preset passes
// every rule, and each variant made to break one rule fails exactly that rule.

#include "pipeline/stages/check.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

using test::shell_quote;

/// What the files below are made for: 320x240 H.264 High at 30 fps, half-second closed GOPs,
/// 2 B-frames, AAC-LC stereo 48 kHz at 128 kbps, in a fast-start MP4 without edit lists.
Preset video_preset() {
  Preset p;
  p.name = "test-video";
  p.kind = PresetKind::kVideo;
  p.container = "mp4";
  p.extension = "mp4";
  VideoSpec v;
  v.codec = "h264";
  v.profile = "high";
  v.width = 320;
  v.height = 240;
  v.aspect = AspectMode::kFit;
  v.fps = 30;
  v.bframes = 2;
  v.gop_seconds = 0.5;
  v.closed_gop = true;
  v.pixel_format = "yuv420p";
  p.video = v;
  AudioSpec a;
  a.codec = "aac";
  a.sample_rate = 48000;
  a.channels = 2;
  a.bitrate_kbps = 128;
  p.audio = a;
  p.limits.min_duration_s = 1;
  p.limits.max_duration_s = 10;
  p.limits.max_file_bytes = 10'000'000;
  p.limits.max_width = 1280;
  p.limits.max_height = 1024;
  p.limits.min_aspect = 1.0 / 3;
  p.limits.max_aspect = 3;
  return p;
}

/// A radio clip: MP3 CBR 128 kbps stereo 48 kHz at EBU R128 -23 LUFS, true peak -1 dBTP.
Preset radio_preset() {
  Preset p;
  p.name = "test-radio";
  p.kind = PresetKind::kAudio;
  p.container = "mp3";
  p.extension = "mp3";
  AudioSpec a;
  a.codec = "mp3";
  a.sample_rate = 48000;
  a.channels = 2;
  a.bitrate_kbps = 128;
  a.cbr = true;
  a.loudness_lufs = -23.0;
  a.loudness_tolerance_lu = 0.5;
  a.true_peak_dbtp = -1.0;
  p.audio = a;
  p.limits.max_duration_s = 60;
  return p;
}

/// The ffmpeg options of the good file, with `{size}`, `{rate}`, ... filled per variant.
struct Variant {
  std::string size = "320x240";
  int rate = 30;
  std::string video_filter;
  std::string gop = "-g 15";
  std::string bframes = "-bf 2";
  std::string profile = "-profile:v high";
  std::string pix_fmt = "yuv420p";
  std::string x264_params;
  std::string flags;
  int channels = 2;
  std::string movflags = "-movflags +faststart -use_editlist 0";
};

std::string ffmpeg_command(const Variant& v, const std::string& out) {
  std::string cmd = fmt::format(
      "ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s={}:r={}:d=3 -f lavfi -i sine=d=3 "
      "-c:v libx264 -preset veryfast {} {} {} -pix_fmt {}",
      v.size, v.rate, v.profile, v.gop, v.bframes, v.pix_fmt);
  if (!v.video_filter.empty()) cmd += " -vf " + shell_quote(v.video_filter) + " -vsync vfr";
  if (!v.x264_params.empty()) cmd += " -x264-params " + v.x264_params;
  if (!v.flags.empty()) cmd += " " + v.flags;
  cmd += fmt::format(" -c:a aac -b:a 128k -ar 48000 -ac {} {} {}", v.channels, v.movflags,
                     shell_quote(out));
  return cmd;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class CheckStage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>("check");
    std::map<std::string, Variant> variants;
    variants["good"] = {};
    variants["no_faststart"].movflags = "-use_editlist 0";
    variants["edit_lists"].movflags = "-movflags +faststart";
    // scenecut off: an open GOP's recovery-point I-frames then fall exactly every 15 frames.
    variants["open_gop"].x264_params = "open_gop=1:scenecut=0";
    variants["wrong_size"].size = "352x288";
    // A source smaller than the 320x240 frame, kept at its scale (enlarge = "never").
    variants["smaller"].size = "160x120";
    variants["smaller_square"].size = "120x120";
    // 4:4:4 cannot be High profile: x264 writes High 4:4:4 Predictive, so two rules fail.
    variants["yuv444p"].pix_fmt = "yuv444p";
    variants["yuv444p"].profile = "";
    variants["fps25"].rate = 25;
    variants["fps25"].gop = "-g 12";  // keep the GOP within half a second
    variants["mono"].channels = 1;
    variants["long_gop"].gop = "-g 60";
    variants["long_gop"].x264_params = "scenecut=0";
    variants["no_bframes"].bframes = "-bf 0";
    // Without B-frames the video starts at 0 and the AAC priming at -1024 samples; with no edit
    // list the muxer would stretch the first frame to cover that. Shifting both keeps it even.
    variants["no_bframes"].flags = "-avoid_negative_ts make_non_negative";
    variants["interlaced"].flags = "-flags +ildct+ilme";
    variants["interlaced"].video_filter = "setfield=tff";
    // Three dropped frames leave a gap: the rate is no longer constant.
    variants["vfr"].video_filter = "select='not(between(n,10,12))'";
    std::map<std::string, std::string> commands;
    for (const auto& [name, v] : variants) {
      files_[name] = *dir_ / (name + ".mp4");
      commands[name] = ffmpeg_command(v, files_[name]);
    }
    // A stereo 1 kHz sine at -23 dBFS per channel reads -23 LUFS (EBU Tech 3341, test 1).
    // ffmpeg's sine source peaks near -18.5 dBFS; 4.54 dB less lands the MP3 on -23.0 LUFS.
    files_["radio"] = *dir_ / "radio.mp3";
    commands["radio"] =
        "ffmpeg -nostdin -v error -y -f lavfi -i sine=f=1000:d=5 "
        "-af 'pan=stereo|c0=c0|c1=c0,volume=-4.54dB' -ar 48000 -c:a libmp3lame -b:a 128k " +
        shell_quote(files_["radio"]);
    // All at once: small encodes side by side keep every core busy.
    std::string script;
    for (const auto& [name, cmd] : commands) {
      script +=
          fmt::format("({} >{} 2>&1; echo $? >{}) &\n", cmd, shell_quote(*dir_ / (name + ".log")),
                      shell_quote(*dir_ / (name + ".rc")));
    }
    test::run_command(script + "wait");
    for (const auto& [name, cmd] : commands) {
      if (read_text(*dir_ / (name + ".rc")) != "0\n")
        errors_ += name + ": " + cmd + "\n" + read_text(*dir_ / (name + ".log"));
    }
  }

  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override { ASSERT_EQ(errors_, "") << "ffmpeg could not make the test files"; }

  static std::string file(const std::string& name) { return files_.at(name); }

  static std::set<std::string> failed(const CheckReport& r) {
    std::set<std::string> out;
    for (const CheckRule& rule : r.rules) {
      if (!rule.passed) out.insert(rule.name);
    }
    return out;
  }

  static const CheckRule* rule(const CheckReport& r, const std::string& name) {
    for (const CheckRule& rule : r.rules) {
      if (rule.name == name) return &rule;
    }
    return nullptr;
  }

  /// Checks `name` against `preset` and returns the names of the failed rules.
  static std::set<std::string> failures_of(const std::string& name,
                                           const Preset& preset = video_preset()) {
    const Result<CheckReport> r = check_output(file(name), preset);
    if (!r) {
      ADD_FAILURE() << r.error().to_string();
      return {"<error>"};
    }
    return failed(*r);
  }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::map<std::string, std::string> files_;
  static inline std::string errors_;
};

TEST_F(CheckStage, GoodFilePassesEveryRule) {
  const Result<CheckReport> r = check_output(file("good"), video_preset());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_TRUE(r->passed()) << r->failures();
  EXPECT_EQ(r->failures(), "");
  EXPECT_EQ(r->file, file("good"));
  EXPECT_EQ(r->preset, "test-video");
  EXPECT_FALSE(r->loudness.has_value());
  std::set<std::string> names;
  for (const CheckRule& rule : r->rules) {
    names.insert(rule.name);
    EXPECT_FALSE(rule.expected.empty()) << rule.name;
    EXPECT_FALSE(rule.actual.empty()) << rule.name;
  }
  EXPECT_EQ(names,
            (std::set<std::string>{"container",         "mp4.faststart",     "mp4.no_edit_lists",
                                   "video.codec",       "video.profile",     "video.pixel_format",
                                   "video.progressive", "video.size",        "video.sar",
                                   "video.aspect",      "video.fps",         "video.constant_rate",
                                   "gop.closed",        "gop.length",        "video.bframes",
                                   "audio.codec",       "audio.sample_rate", "audio.channels",
                                   "audio.bitrate",     "duration",          "file.size"}));
  EXPECT_EQ(rule(*r, "gop.closed")->actual, "6 of 6 keyframes are IDR");
  EXPECT_EQ(rule(*r, "video.profile")->actual, "High");
  EXPECT_EQ(rule(*r, "video.fps")->actual, "30 fps");
}

TEST_F(CheckStage, MoovAfterMdatFailsFaststart) {
  EXPECT_EQ(failures_of("no_faststart"), std::set<std::string>{"mp4.faststart"});
  const auto r = check_output(file("no_faststart"), video_preset());
  EXPECT_NE(rule(*r, "mp4.faststart")->actual.find("after mdat"), std::string::npos);
}

TEST_F(CheckStage, AnyEditListFails) {
  // ffmpeg writes an edit list for the B-frame delay and the AAC priming when allowed to.
  EXPECT_EQ(failures_of("edit_lists"), std::set<std::string>{"mp4.no_edit_lists"});
  const auto r = check_output(file("edit_lists"), video_preset());
  EXPECT_NE(rule(*r, "mp4.no_edit_lists")->actual.find("2 edit lists"), std::string::npos)
      << rule(*r, "mp4.no_edit_lists")->actual;
}

TEST_F(CheckStage, OpenGopFailsClosedGop) {
  EXPECT_EQ(failures_of("open_gop"), std::set<std::string>{"gop.closed"});
  const auto r = check_output(file("open_gop"), video_preset());
  EXPECT_EQ(rule(*r, "gop.closed")->actual, "1 of 6 keyframes are IDR");
}

TEST_F(CheckStage, WrongSizeFailsSize) {
  EXPECT_EQ(failures_of("wrong_size"), std::set<std::string>{"video.size"});
}

TEST_F(CheckStage, ASmallerFrameOfTheSameShapePassesUnlessThePresetEnlarges) {
  EXPECT_EQ(failures_of("smaller"), std::set<std::string>{});
  EXPECT_EQ(failures_of("smaller_square"), std::set<std::string>{"video.size"});
  Preset p = video_preset();
  p.video->enlarge = Enlarge::kToFrame;  // the channel requires the frame: exactly 320x240
  EXPECT_EQ(failures_of("smaller", p), std::set<std::string>{"video.size"});
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{});
  const auto r = check_output(file("smaller"), video_preset());
  EXPECT_TRUE(rule(*r, "video.size")->expected.starts_with("320x240 or smaller in its shape"))
      << rule(*r, "video.size")->expected;
}

TEST_F(CheckStage, Yuv444FailsPixelFormatAndProfile) {
  EXPECT_EQ(failures_of("yuv444p"), (std::set<std::string>{"video.pixel_format", "video.profile"}));
}

TEST_F(CheckStage, TwentyFiveFpsFailsFps) {
  EXPECT_EQ(failures_of("fps25"), std::set<std::string>{"video.fps"});
  const auto r = check_output(file("fps25"), video_preset());
  EXPECT_EQ(rule(*r, "video.fps")->actual, "25 fps");
}

TEST_F(CheckStage, MonoFailsChannels) {
  EXPECT_EQ(failures_of("mono"), std::set<std::string>{"audio.channels"});
}

TEST_F(CheckStage, TwoSecondGopFailsGopLength) {
  EXPECT_EQ(failures_of("long_gop"), std::set<std::string>{"gop.length"});
  const auto r = check_output(file("long_gop"), video_preset());
  EXPECT_EQ(rule(*r, "gop.length")->actual, "longest keyframe interval 2.00 s");
}

TEST_F(CheckStage, BFramesAsThePresetSays) {
  EXPECT_EQ(failures_of("no_bframes"), std::set<std::string>{"video.bframes"});
  Preset baseline = video_preset();
  baseline.video->bframes = 0;
  EXPECT_EQ(failures_of("no_bframes", baseline), std::set<std::string>{});
  EXPECT_EQ(failures_of("good", baseline), std::set<std::string>{"video.bframes"});
}

TEST_F(CheckStage, InterlacedFailsProgressive) {
  EXPECT_EQ(failures_of("interlaced"), std::set<std::string>{"video.progressive"});
}

TEST_F(CheckStage, DroppedFramesFailConstantRate) {
  // The average rate of a variable-rate file is below 30: check the range form of the rule.
  Preset p = video_preset();
  p.video->fps = 0;
  p.video->min_fps = 23;
  p.video->max_fps = 60;
  p.video->gop_seconds = 1;
  EXPECT_EQ(failures_of("vfr", p), std::set<std::string>{"video.constant_rate"});
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{});
}

TEST_F(CheckStage, PresetLimitsOnTheGoodFile) {
  Preset p = video_preset();
  p.video->fps = 24;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"video.fps"});
  p = video_preset();
  p.limits.max_file_bytes = 1000;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"file.size"});
  p = video_preset();
  p.limits.max_duration_s = 2;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"duration"});
  p = video_preset();
  p.audio->sample_rate = 44100;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"audio.sample_rate"});
  // AAC rates are ceilings: above is a failure, below is not.
  p = video_preset();
  p.audio->bitrate_kbps = 100;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"audio.bitrate"});
  p.audio->bitrate_kbps = 384;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{});
  p = video_preset();
  p.video->profile = "main";
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"video.profile"});
  p = video_preset();
  p.video->codec = "hevc";
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"video.codec"});
  p = video_preset();
  p.limits.min_aspect = 1.5;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"video.aspect"});
  p = video_preset();
  p.container = "mp3";
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"container"});
}

TEST_F(CheckStage, KeptShapeIsBoundedOnLongAndShortSide) {
  Preset p = video_preset();
  p.video->width = 0;
  p.video->height = 0;
  p.video->aspect = AspectMode::kKeep;
  p.video->max_width = 320;
  p.video->max_height = 240;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{});
  // max_width bounds the long side: 240 is too little for a 320-wide picture.
  p.video->max_width = 240;
  p.video->max_height = 320;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"video.size"});
  p = video_preset();
  p.limits.max_width = 300;
  p.limits.max_height = 200;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{"video.size"});
  // Channel limits are orientation-aware too: 240x320 fits "320x240" turned.
  p = video_preset();
  p.limits.max_width = 240;
  p.limits.max_height = 320;
  EXPECT_EQ(failures_of("good", p), std::set<std::string>{});
}

TEST_F(CheckStage, RadioClipAtTargetLoudnessPasses) {
  const Result<CheckReport> r = check_output(file("radio"), radio_preset());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_TRUE(r->passed()) << r->failures();
  ASSERT_TRUE(r->loudness.has_value());
  EXPECT_NEAR(r->loudness->integrated_lufs, -23.0, 0.3);
  EXPECT_NEAR(r->loudness->true_peak_dbtp, -23.0, 0.5);
  std::set<std::string> names;
  for (const CheckRule& rule : r->rules) names.insert(rule.name);
  EXPECT_EQ(names, (std::set<std::string>{"container", "audio.codec", "audio.sample_rate",
                                          "audio.channels", "audio.bitrate", "duration",
                                          "audio.loudness", "audio.true_peak"}));
}

TEST_F(CheckStage, LoudnessAwayFromTargetFails) {
  Preset p = radio_preset();
  p.audio->loudness_lufs = -16.0;
  EXPECT_EQ(failures_of("radio", p), std::set<std::string>{"audio.loudness"});
  p = radio_preset();
  p.audio->true_peak_dbtp = -30.0;
  EXPECT_EQ(failures_of("radio", p), std::set<std::string>{"audio.true_peak"});
  // A constant-bitrate MP3 must hit its rate from both sides.
  p = radio_preset();
  p.audio->bitrate_kbps = 192;
  EXPECT_EQ(failures_of("radio", p), std::set<std::string>{"audio.bitrate"});
  p.audio->bitrate_kbps = 96;
  EXPECT_EQ(failures_of("radio", p), std::set<std::string>{"audio.bitrate"});
  const auto r = check_output(file("radio"), radio_preset());
  EXPECT_EQ(rule(*r, "audio.loudness")->expected, "-23.0 LUFS +/- 0.5 LU");
}

TEST_F(CheckStage, VideoPresetOnSoundOnlyFile) {
  Preset p = video_preset();
  p.container = "mp3";
  p.audio = radio_preset().audio;
  p.audio->loudness_lufs.reset();
  EXPECT_EQ(failures_of("radio", p), std::set<std::string>{"video.codec"});
  const auto r = check_output(file("radio"), p);
  EXPECT_EQ(rule(*r, "video.codec")->actual, "no video stream");
}

TEST_F(CheckStage, TruncatedMp4FailsContainer) {
  const std::string cut = *dir_ / "cut.mp4";
  std::filesystem::copy_file(file("good"), cut);
  std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 2);
  const Result<CheckReport> r = check_output(cut, video_preset());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_NE(rule(*r, "container"), nullptr);
  EXPECT_FALSE(rule(*r, "container")->passed);
  EXPECT_NE(rule(*r, "container")->actual.find("damaged: box 'mdat'"), std::string::npos)
      << rule(*r, "container")->actual;
}

TEST_F(CheckStage, UnreadableFileIsAnErrorNamingIt) {
  const std::string missing = *dir_ / "missing.mp4";
  Result<CheckReport> r = check_output(missing, video_preset());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().context.file, missing);
  EXPECT_EQ(r.error().context.stage, "check");

  const std::string text = *dir_ / "notes.mp4";
  std::ofstream(text) << "Liputan kunjungan Bupati\n";
  r = check_output(text, video_preset());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("notes.mp4"), std::string::npos);
}

TEST_F(CheckStage, FailuresAndJson) {
  Preset p = video_preset();
  p.video->fps = 24;
  p.audio->channels = 1;
  const auto r = check_output(file("good"), p);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->failures(),
            "video.fps: expected 24 fps, found 30 fps; "
            "audio.channels: expected 1 (mono), found 2 (stereo)");
  const nlohmann::json j = to_json(*r);
  EXPECT_EQ(j["file"], file("good"));
  EXPECT_EQ(j["preset"], "test-video");
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["rules"].size(), r->rules.size());
  EXPECT_EQ(j["rules"][0]["name"], "container");
  EXPECT_FALSE(j.contains("loudness"));
  const nlohmann::json radio = to_json(*check_output(file("radio"), radio_preset()));
  EXPECT_EQ(radio["passed"], true);
  EXPECT_TRUE(radio["loudness"].contains("integrated_lufs"));
  EXPECT_TRUE(radio["loudness"].contains("true_peak_dbtp"));
}

}  // namespace
}  // namespace saluran
