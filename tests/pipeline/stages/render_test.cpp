// The render stage on the generated samples: one decode feeding every rendition, outputs
// checked and placed, the manifest, up-to-date reruns, phone rotation, HDR, loudness, damage.

#include "pipeline/stages/render.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "codecs/av/av_probe.hpp"
#include "pipeline/presets/preset_catalog.hpp"
#include "pipeline/stages/render_manifest.hpp"
#include "tests/support/media_tree.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

// The manifest file as written (the typed RenderManifest keeps most fields as details).
nlohmann::json manifest_json(const std::string& out_dir) {
  std::ifstream in(fs::path(out_dir) / kRenderManifestName);
  return nlohmann::json::parse(in, nullptr, false);
}

std::vector<Preset> presets(std::initializer_list<const char*> names) {
  auto catalog = PresetCatalog::load("/nonexistent-user-presets");
  EXPECT_TRUE(catalog.ok());
  std::vector<Preset> out;
  for (const char* n : names) {
    auto p = catalog->get(n);
    EXPECT_TRUE(p.ok()) << n << ": " << p.error().to_string();
    if (p) out.push_back(*p);
  }
  return out;
}

std::map<std::string, const RenditionResult*> by_preset(const InputReport& r) {
  std::map<std::string, const RenditionResult*> m;
  for (const auto& x : r.renditions) m[x.preset] = &x;
  return m;
}

bool no_temporary_files(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".part") || name.ends_with(".spool")) return false;
  }
  return true;
}

// The five outputs of the benchmark, from one decode of a 1080p30 stereo clip.
class RenderFive : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(test::sample("camera/C0001.MP4"))) return;
    out_ = std::make_unique<test::TempDir>("render-five");
    RenderOptions opt;
    opt.out_dir = out_->path().string();
    opt.presets = presets({"youtube", "instagram-reel", "x-video", "web-video", "radio-clip"});
    opt.overrides.duration_s = 4.0;
    reports_ = render({{test::sample("camera/C0001.MP4")}, opt}).reports;
  }
  static void TearDownTestSuite() { out_.reset(); }
  void SetUp() override { SKIP_WITHOUT_SAMPLES(); }

  static inline std::unique_ptr<test::TempDir> out_;
  static inline std::vector<InputReport> reports_;
};

TEST_F(RenderFive, EveryRenditionIsMadeAndPassesItsCheck) {
  ASSERT_EQ(reports_.size(), 1u);
  const InputReport& r = reports_[0];
  ASSERT_FALSE(r.error) << r.error->to_string();
  ASSERT_EQ(r.renditions.size(), 5u);
  for (const auto& x : r.renditions) {
    EXPECT_EQ(x.outcome, Outcome::kMade)
        << x.preset << ": " << (x.error ? x.error->to_string() : std::string());
    ASSERT_TRUE(x.check) << x.preset;
    EXPECT_TRUE(x.check->passed()) << x.preset << ": " << x.check->failures();
    EXPECT_TRUE(fs::exists(x.output)) << x.output;
    EXPECT_EQ(fs::path(x.output).filename().string(),
              "C0001." + x.preset + "." + (x.preset == "radio-clip" ? "mp3" : "mp4"));
  }
  EXPECT_TRUE(no_temporary_files(out_->path()));
}

TEST_F(RenderFive, OneDecodeAndSharedChains) {
  const InputReport& r = reports_[0];
  // 4 s at 30 fps, decoded once (a little more: decoding stops just after the trim).
  EXPECT_GE(r.decoded_frames, 120);
  EXPECT_LE(r.decoded_frames, 160);
  // Video: youtube 1080p, reel 1080x1920, and one 720p chain shared by x-video and web-video.
  // Audio: one 48 kHz stereo AAC chain for the four videos, one loudness chain for the radio.
  EXPECT_EQ(r.branches, 5);
}

TEST_F(RenderFive, OutputsHaveTheChannelsShapes) {
  auto m = by_preset(reports_[0]);
  auto size_of = [&](const char* preset) {
    auto info = probe_av(m[preset]->output, InputLimits{});
    EXPECT_TRUE(info.ok());
    return std::make_pair(info->picture->width, info->picture->height);
  };
  EXPECT_EQ(size_of("youtube"), std::make_pair(1920, 1080));
  EXPECT_EQ(size_of("instagram-reel"), std::make_pair(1080, 1920));
  EXPECT_EQ(size_of("x-video"), std::make_pair(1280, 720));
  EXPECT_EQ(size_of("web-video"), std::make_pair(1280, 720));
  auto yt = probe_av(m["youtube"]->output, InputLimits{});
  EXPECT_NEAR(*yt->duration_s, 4.0, 0.1);
  EXPECT_NEAR(*yt->frame_rate, 30.0, 0.01);
}

TEST_F(RenderFive, RadioClipIsAtBroadcastLoudness) {
  auto m = by_preset(reports_[0]);
  const RenditionResult& radio = *m["radio-clip"];
  ASSERT_TRUE(radio.source_loudness);
  ASSERT_TRUE(radio.processed_loudness);
  ASSERT_TRUE(radio.check && radio.check->loudness);
  // The encoded file is on target (EBU R128 allows 0.5 LU; trial encodes get it closer). The
  // sound before encoding is set a little off it, by what the MP3 encoder takes away.
  EXPECT_NEAR(radio.check->loudness->integrated_lufs, -23.0, 0.2);
  EXPECT_NEAR(radio.processed_loudness->integrated_lufs, -23.0, 1.0);
  EXPECT_NE(radio.source_loudness->integrated_lufs, radio.check->loudness->integrated_lufs);
  EXPECT_LE(radio.check->loudness->true_peak_dbtp, -1.0);
  auto info = probe_av(radio.output, InputLimits{});
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->audio->sample_rate, 44100);
  EXPECT_EQ(info->audio->channels, 1);
}

TEST_F(RenderFive, ManifestRecordsWhatWasMadeFromWhat) {
  const nlohmann::json m = manifest_json(out_->path().string());
  ASSERT_EQ(m["outputs"].size(), 5u);
  const auto& yt = m["outputs"]["C0001.youtube.mp4"];
  EXPECT_EQ(yt["status"], "made");
  EXPECT_EQ(yt["preset"], "youtube");
  EXPECT_TRUE(yt["input"].get<std::string>().ends_with("camera/C0001.MP4"));
  EXPECT_EQ(yt["plan"]["video"]["gop_frames"], 15);
  EXPECT_EQ(yt["plan"]["video"]["bitrate_kbps"], 8000);
  EXPECT_TRUE(yt["check"]["passed"].get<bool>());
  EXPECT_GT(yt["check"]["rules"].size(), 8u);
  EXPECT_TRUE(m["outputs"]["C0001.radio-clip.mp3"]["loudness"].contains("output"));
  // The typed manifest reads the same entries.
  const RenderManifest typed = read_render_manifest(out_->path().string());
  const ManifestEntry* entry = typed.find(by_preset(reports_[0])["youtube"]->output);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->outcome, Outcome::kMade);
  EXPECT_EQ(entry->preset, "youtube");
  EXPECT_EQ(entry->fingerprint, by_preset(reports_[0])["youtube"]->fingerprint);
}

TEST_F(RenderFive, ARerunMakesNothingAgain) {
  auto m = by_preset(reports_[0]);
  struct stat before {};
  ASSERT_EQ(::stat(m["youtube"]->output.c_str(), &before), 0);
  RenderOptions opt;
  opt.out_dir = out_->path().string();
  opt.presets = presets({"youtube", "instagram-reel", "x-video", "web-video", "radio-clip"});
  opt.overrides.duration_s = 4.0;
  auto again = render({{test::sample("camera/C0001.MP4")}, opt}).reports;
  ASSERT_EQ(again.size(), 1u);
  for (const auto& x : again[0].renditions) EXPECT_EQ(x.outcome, Outcome::kUpToDate) << x.preset;
  EXPECT_EQ(again[0].decoded_frames, 0);
  struct stat after {};
  ASSERT_EQ(::stat(m["youtube"]->output.c_str(), &after), 0);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  EXPECT_EQ(before.st_ino, after.st_ino);
}

TEST(Render, PhoneVideoComesOutUprightAtAConstantRate) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("render-phone");
  RenderOptions opt;
  opt.out_dir = out.path().string();
  opt.presets = presets({"x-video", "youtube-shorts"});
  auto r = render({{test::sample("phone/VID_20250314_101500.mp4")}, opt}).reports;
  ASSERT_EQ(r.size(), 1u);
  for (const auto& x : r[0].renditions) {
    ASSERT_EQ(x.outcome, Outcome::kMade)
        << x.preset << ": " << (x.error ? x.error->to_string() : std::string());
    auto info = probe_av(x.output, InputLimits{});
    ASSERT_TRUE(info.ok());
    // Stored upright: no rotation left for the player to apply.
    EXPECT_EQ(info->picture->rotation, 0);
    EXPECT_FALSE(info->variable_frame_rate) << x.preset;
    EXPECT_GT(info->picture->height, info->picture->width) << x.preset;
  }
  auto m = by_preset(r[0]);
  auto x = probe_av(m["x-video"]->output, InputLimits{});
  EXPECT_EQ(x->picture->width, 720);
  EXPECT_EQ(x->picture->height, 1280);
  // Sound stays with the picture: same length within a frame or two.
  EXPECT_NEAR(*x->duration_s, 4.0, 0.1);
}

TEST(Render, HlgVideoIsToneMappedToSdr) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("render-hlg");
  RenderOptions opt;
  opt.out_dir = out.path().string();
  opt.presets = presets({"web-video"});
  auto r = render({{test::sample("phone/IMG_HLG.MOV")}, opt}).reports;
  ASSERT_EQ(r[0].renditions.size(), 1u);
  const auto& x = r[0].renditions[0];
  ASSERT_EQ(x.outcome, Outcome::kMade) << (x.error ? x.error->to_string() : std::string());
  EXPECT_TRUE(x.plan->video->tone_map);
  auto info = probe_av(x.output, InputLimits{});
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->picture->hdr, "");
  EXPECT_EQ(info->picture->color_transfer, "bt709");
  EXPECT_EQ(info->picture->bit_depth, 8);
}

TEST(Render, ARenditionThatCannotBeMadeNeverStopsTheOthers) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("render-partial");
  RenderOptions opt;
  opt.out_dir = out.path().string();
  // The 2 s HLG clip is too short for a Reel (3 s at least); the radio clip is fine.
  opt.presets = presets({"instagram-reel", "radio-clip"});
  auto r = render({{test::sample("phone/IMG_HLG.MOV")}, opt}).reports;
  auto m = by_preset(r[0]);
  EXPECT_EQ(m["instagram-reel"]->outcome, Outcome::kFailed);
  EXPECT_NE(m["instagram-reel"]->error->message.find("at least 3"), std::string::npos)
      << m["instagram-reel"]->error->to_string();
  EXPECT_EQ(m["radio-clip"]->outcome, Outcome::kMade);
  EXPECT_FALSE(fs::exists(m["instagram-reel"]->output));
}

TEST(Render, AudioOnlyInputMakesRadioAndRefusesVideo) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir out("render-audio");
  RenderOptions opt;
  opt.out_dir = out.path().string();
  opt.presets = presets({"radio-broadcast", "podcast", "x-video"});
  auto r = render({{test::sample("audio/wawancara.wav")}, opt}).reports;
  auto m = by_preset(r[0]);
  EXPECT_EQ(m["radio-broadcast"]->outcome, Outcome::kMade);
  EXPECT_EQ(m["podcast"]->outcome, Outcome::kMade);
  ASSERT_TRUE(m["podcast"]->check && m["podcast"]->check->loudness);
  EXPECT_NEAR(m["podcast"]->check->loudness->integrated_lufs, -16.0, 0.5);
  EXPECT_NEAR(m["radio-broadcast"]->check->loudness->integrated_lufs, -23.0, 0.5);
  EXPECT_EQ(m["x-video"]->outcome, Outcome::kFailed);
  EXPECT_NE(m["x-video"]->error->message.find("no picture"), std::string::npos);
}

TEST(Render, UnreadableInputGivesAClearErrorNamingTheFile) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("render-bad");
  const std::string fake = dir / "not-a-video.mp4";
  test::write_text(fake, "this is a text file with a video extension\n");
  RenderOptions opt;
  opt.out_dir = dir / "out";
  opt.presets = presets({"x-video"});
  auto r = render({{fake, test::sample("audio/wawancara.wav")}, opt}).reports;
  ASSERT_EQ(r.size(), 2u);
  ASSERT_TRUE(r[0].error);
  EXPECT_NE(r[0].error->to_string().find("not-a-video.mp4"), std::string::npos);
  EXPECT_EQ(r[0].renditions[0].outcome, Outcome::kFailed);
  // The batch goes on to the next input.
  EXPECT_EQ(r[1].input, test::sample("audio/wawancara.wav"));
}

TEST(Render, AnInputThatVanishesAfterItsProbeFailsNamingTheFileAndWhy) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("render-vanish");
  const std::string sound = dir / "wawancara.wav";
  const std::string photo = dir / "IMG_0001.jpg";
  fs::copy_file(test::sample("audio/wawancara.wav"), sound);
  fs::copy_file(test::sample("photos/IMG_0001.jpg"), photo);
  RenderOptions opt;
  opt.out_dir = dir / "out";
  opt.presets = presets({"radio-clip", "web-thumb"});
  // Gone between its probe and its fingerprint, like a card pulled out during the run.
  opt.on_event = [](const RenderEvent& ev) {
    if (ev.kind == RenderEvent::Kind::kInputStart) fs::remove(ev.input);
  };
  auto r = render({{sound, photo}, opt}).reports;
  ASSERT_EQ(r.size(), 2u);
  const RenditionResult* radio = by_preset(r[0])["radio-clip"];
  const RenditionResult* thumb = by_preset(r[1])["web-thumb"];
  for (const RenditionResult* x : {radio, thumb}) {
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->outcome, Outcome::kFailed) << x->output;
    ASSERT_TRUE(x->error) << x->output;
    EXPECT_EQ(x->error->context.file, x->input);
    EXPECT_NE(x->error->to_string().find("no such file"), std::string::npos)
        << x->error->to_string();
    EXPECT_TRUE(x->fingerprint.empty());
    EXPECT_FALSE(fs::exists(x->output)) << x->output;
  }
  const nlohmann::json m = manifest_json(opt.out_dir);
  EXPECT_EQ(m["outputs"]["wawancara.radio-clip.mp3"]["status"], "failed");
  EXPECT_EQ(m["outputs"]["IMG_0001.web-thumb.jpg"]["status"], "failed");
}

TEST(Render, DamagedFramesAreConcealedAndReported) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("render-damaged");
  // Overwrite 64 KB in the middle of the camera clip's picture data with noise.
  const std::string src = test::sample("camera/C0001.MP4");
  const std::string damaged = dir / "C0001.MP4";
  fs::copy_file(src, damaged);
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(src) / 2));
    std::string noise(64 * 1024, '\0');
    std::uint32_t x = 12345;
    for (char& c : noise) {
      x = x * 1664525u + 1013904223u;
      c = static_cast<char>(x >> 24);
    }
    f.write(noise.data(), static_cast<std::streamsize>(noise.size()));
  }
  RenderOptions opt;
  opt.out_dir = dir / "out";
  opt.presets = presets({"web-video"});
  auto r = render({{damaged}, opt}).reports;
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].renditions[0].outcome, Outcome::kMade)
      << (r[0].renditions[0].error ? r[0].renditions[0].error->to_string() : "");
  ASSERT_FALSE(r[0].damaged.empty());
  EXPECT_GT(r[0].damaged[0].start_s, 1.0);
  EXPECT_LT(r[0].damaged[0].end_s, 7.5);
  const nlohmann::json m = manifest_json(opt.out_dir);
  EXPECT_FALSE(m["outputs"]["C0001.web-video.mp4"]["damaged"].empty());
}

}  // namespace
}  // namespace saluran

namespace saluran {
namespace {

// Makes a small input with the ffmpeg CLI (installed by scripts/install-deps).
std::string make_input(const test::TempDir& dir, const std::string& name, const std::string& args) {
  const std::string path = dir / name;
  const std::string cmd = "ffmpeg -v error -y " + args + " " + path;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return path;
}

TEST(Render, InterlacedNonSquareSurroundSourceBecomesProgressiveSquareStereo) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("render-pal");
  // PAL DV-style: 720x576 interlaced with 16:15 pixels (768x576 on screen) and 5.1 sound.
  const std::string in =
      make_input(dir, "pal.mp4",
                 "-f lavfi -i testsrc2=s=720x576:r=25:d=3 -f lavfi -i sine=f=440:d=3:r=48000 "
                 "-filter_complex \"[0:v]setsar=16/15,interlace[v];"
                 "[1:a]pan=5.1|FL=c0|FR=c0|FC=c0|LFE=c0|BL=c0|BR=c0[a]\" -map \"[v]\" -map \"[a]\" "
                 "-c:v libx264 -flags +ilme+ildct -x264-params tff=1 -c:a aac -b:a 256k");
  auto src = probe_av(in, InputLimits{});
  ASSERT_TRUE(src.ok());
  ASSERT_TRUE(src->picture->interlaced);
  ASSERT_EQ(src->audio->channels, 6);
  RenderOptions opt;
  opt.out_dir = dir / "out";
  opt.presets = presets({"x-video"});
  auto r = render({{in}, opt}).reports;
  const auto& x = r[0].renditions[0];
  ASSERT_EQ(x.outcome, Outcome::kMade) << (x.error ? x.error->to_string() : std::string());
  EXPECT_NE(x.plan->video->filter.find("bwdif"), std::string::npos);
  auto out = probe_av(x.output, InputLimits{});
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->picture->interlaced);
  // 768x576 on screen: square pixels at that size (fits the 1280x720 box, never scaled up).
  EXPECT_EQ(out->picture->width, 768);
  EXPECT_EQ(out->picture->height, 576);
  EXPECT_EQ(out->picture->sar_num, out->picture->sar_den);
  EXPECT_EQ(out->audio->channels, 2);
}

TEST(Render, TooLongForTheChannelIsTrimmedOrRefusedAsThePresetSays) {
  SKIP_WITHOUT_SAMPLES();
  test::TempDir dir("render-long");
  auto catalog = PresetCatalog::load("/nonexistent-user-presets");
  ASSERT_TRUE(catalog.ok());
  // Shrink the channel limit instead of making a 3-minute input.
  Preset shorts = *catalog->get("youtube-shorts");
  shorts.limits.max_duration_s = 3;
  Preset x = *catalog->get("x-video");
  x.limits.max_duration_s = 3;
  x.limits.too_long = TooLong::kError;
  RenderOptions opt;
  opt.out_dir = dir / "out";
  opt.presets = {shorts, x};
  auto r = render({{test::sample("camera/C0001.MP4")}, opt}).reports;
  auto m = by_preset(r[0]);
  ASSERT_EQ(m["youtube-shorts"]->outcome, Outcome::kMade)
      << (m["youtube-shorts"]->error ? m["youtube-shorts"]->error->to_string() : "");
  EXPECT_TRUE(m["youtube-shorts"]->plan->trimmed_to_limit);
  auto out = probe_av(m["youtube-shorts"]->output, InputLimits{});
  EXPECT_LE(*out->duration_s, 3.0);
  EXPECT_GE(*out->duration_s, 2.8);
  EXPECT_EQ(out->picture->width, 1080);
  EXPECT_EQ(out->picture->height, 1920);
  EXPECT_EQ(m["x-video"]->outcome, Outcome::kFailed);
  EXPECT_NE(m["x-video"]->error->message.find("allows at most 3 s"), std::string::npos)
      << m["x-video"]->error->to_string();
}

}  // namespace
}  // namespace saluran
