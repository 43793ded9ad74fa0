// The render manifest without media: the typed manifest through its file and back, an
// unreadable file read as empty, the one up-to-date rule, and the merge of inputs' reports.

#include "pipeline/stages/render_manifest.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {
namespace fs = std::filesystem;

nlohmann::json file_json(const fs::path& dir) {
  std::ifstream in(dir / kRenderManifestName);
  return nlohmann::json::parse(in, nullptr, false);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

RenditionResult rendition(const fs::path& dir, const std::string& name, Outcome outcome,
                          const std::string& fingerprint) {
  RenditionResult r;
  r.input = "/cards/" + name.substr(0, name.find('.')) + ".MP4";
  r.preset = name.substr(name.find('.') + 1, name.rfind('.') - name.find('.') - 1);
  r.output = (dir / name).string();
  r.outcome = outcome;
  r.fingerprint = fingerprint;
  if (outcome == Outcome::kFailed)
    r.error = make_error(ErrorCode::kInvalidArgument, "does not meet the limits", r.output);
  return r;
}

TEST(RenderManifest, ATypedManifestComesBackFromItsFileAsItWasWritten) {
  test::TempDir dir("manifest-roundtrip");
  RenderManifest m;
  ManifestEntry yt;
  yt.input = "/cards/C0001.MP4";
  yt.preset = "youtube";
  yt.output = dir / "C0001.youtube.mp4";
  yt.outcome = Outcome::kMade;
  yt.fingerprint = "0123456789abcdef";
  yt.details = R"({"damaged":[{"end_s":2.5,"start_s":1.25}],"plan":{"start_s":0}})";
  ManifestEntry radio = yt;
  radio.preset = "radio-clip";
  radio.output = dir / "C0001.radio-clip.mp3";
  radio.outcome = Outcome::kFailed;
  radio.details = R"({"error":{"code":"io","message":"cannot write"}})";
  m.outputs["C0001.youtube.mp4"] = yt;
  m.outputs["C0001.radio-clip.mp3"] = radio;
  ASSERT_TRUE(write_render_manifest(dir.path().string(), m).ok());

  const RenderManifest back = read_render_manifest(dir.path().string());
  EXPECT_EQ(back.saluran, SALURAN_VERSION);
  ASSERT_EQ(back.outputs.size(), 2u);
  for (const auto& [name, e] : m.outputs) {
    const ManifestEntry& b = back.outputs.at(name);
    EXPECT_EQ(b.input, e.input) << name;
    EXPECT_EQ(b.preset, e.preset) << name;
    EXPECT_EQ(b.output, e.output) << name;
    EXPECT_EQ(b.outcome, e.outcome) << name;
    EXPECT_EQ(b.fingerprint, e.fingerprint) << name;
    EXPECT_EQ(nlohmann::json::parse(b.details), nlohmann::json::parse(e.details)) << name;
  }
  // The file keeps the format other tools read: status words, every field at the entry's top.
  const nlohmann::json j = file_json(dir.path());
  EXPECT_EQ(j["saluran"], SALURAN_VERSION);
  EXPECT_EQ(j["outputs"]["C0001.youtube.mp4"]["status"], "made");
  EXPECT_EQ(j["outputs"]["C0001.youtube.mp4"]["damaged"][0]["start_s"], 1.25);
  EXPECT_EQ(j["outputs"]["C0001.radio-clip.mp3"]["status"], "failed");
  EXPECT_EQ(j["outputs"]["C0001.radio-clip.mp3"]["error"]["code"], "io");
  // Written again unchanged, the file is the same byte for byte.
  std::ifstream first(dir.path() / kRenderManifestName);
  const std::string before((std::istreambuf_iterator<char>(first)), {});
  ASSERT_TRUE(write_render_manifest(dir.path().string(), back).ok());
  std::ifstream second(dir.path() / kRenderManifestName);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(second)), {}), before);
}

TEST(RenderManifest, AMissingOrUnreadableManifestIsReadAsEmpty) {
  test::TempDir dir("manifest-unreadable");
  EXPECT_TRUE(read_render_manifest(dir.path().string()).outputs.empty());
  for (const char* text : {"{not json", "[1, 2]", R"({"outputs": []})", ""}) {
    write_text(dir / kRenderManifestName, text);
    const RenderManifest m = read_render_manifest(dir.path().string());
    EXPECT_TRUE(m.outputs.empty()) << text;
    EXPECT_EQ(m.saluran, SALURAN_VERSION) << text;
  }
  // An entry of the wrong shape is left out; a status this version does not know is never
  // taken for a good output.
  write_text(dir / kRenderManifestName,
             R"({"outputs": {"a.x.mp4": 7, "b.x.mp4": {"status": "half-done", "input": 3}}})");
  const RenderManifest m = read_render_manifest(dir.path().string());
  ASSERT_EQ(m.outputs.size(), 1u);
  EXPECT_EQ(m.outputs.at("b.x.mp4").outcome, Outcome::kFailed);
  EXPECT_EQ(m.outputs.at("b.x.mp4").input, "");
}

TEST(RenderManifest, UpToDateMeansMadeWithTheSameFingerprintAndStillThere) {
  test::TempDir dir("manifest-up-to-date");
  const std::string out = dir / "C0001.youtube.mp4";
  write_text(out, "video");
  RenderManifest m;
  m.outputs["C0001.youtube.mp4"].outcome = Outcome::kMade;
  m.outputs["C0001.youtube.mp4"].fingerprint = "aaaa";
  EXPECT_TRUE(is_up_to_date(m, out, "aaaa"));
  EXPECT_TRUE(holds_good_output(m, out));
  EXPECT_FALSE(is_up_to_date(m, out, "bbbb"));                        // other input or settings
  EXPECT_FALSE(is_up_to_date(m, dir / "C0002.youtube.mp4", "aaaa"));  // no entry
  for (Outcome o : {Outcome::kFailed, Outcome::kSkipped, Outcome::kUpToDate, Outcome::kCopied}) {
    m.outputs["C0001.youtube.mp4"].outcome = o;
    EXPECT_FALSE(is_up_to_date(m, out, "aaaa")) << outcome_name(o);
    EXPECT_FALSE(holds_good_output(m, out)) << outcome_name(o);
  }
  m.outputs["C0001.youtube.mp4"].outcome = Outcome::kMade;
  fs::remove(out);
  EXPECT_FALSE(is_up_to_date(m, out, "aaaa"));  // the file was deleted since
  EXPECT_FALSE(holds_good_output(m, out));
}

TEST(RenderManifest, TwoInputsReportsMergeAndGoodOutputsOutliveLaterFailures) {
  test::TempDir dir("manifest-merge");
  const std::string d = dir.path().string();
  InputReport first;
  first.input = "/cards/C0001.MP4";
  first.damaged = {{1.0, 2.0}};
  first.renditions = {rendition(dir.path(), "C0001.youtube.mp4", Outcome::kMade, "f1"),
                      rendition(dir.path(), "C0001.x-video.mp4", Outcome::kMade, "f2"),
                      rendition(dir.path(), "C0001.instagram-reel.mp4", Outcome::kFailed, "f3")};
  write_text(dir / "C0001.youtube.mp4", "video");
  write_text(dir / "C0001.x-video.mp4", "video");
  ASSERT_TRUE(record_in_render_manifest(d, first).ok());
  InputReport second;
  second.input = "/cards/C0002.MP4";
  second.renditions = {rendition(dir.path(), "C0002.youtube.mp4", Outcome::kMade, "g1")};
  write_text(dir / "C0002.youtube.mp4", "video");
  ASSERT_TRUE(record_in_render_manifest(d, second).ok());

  RenderManifest m = read_render_manifest(d);
  ASSERT_EQ(m.outputs.size(), 4u);
  EXPECT_EQ(m.outputs.at("C0001.youtube.mp4").fingerprint, "f1");
  EXPECT_EQ(m.outputs.at("C0001.instagram-reel.mp4").outcome, Outcome::kFailed);
  EXPECT_EQ(m.outputs.at("C0002.youtube.mp4").input, "/cards/C0002.MP4");
  EXPECT_EQ(file_json(dir.path())["outputs"]["C0001.youtube.mp4"]["damaged"][0]["end_s"], 2.0);

  // A rerun of the first input: youtube up to date, x-video failing now, the reel made.
  InputReport again = first;
  again.damaged.clear();
  again.renditions[0].outcome = Outcome::kUpToDate;
  again.renditions[0].fingerprint = "changed";
  again.renditions[1] = rendition(dir.path(), "C0001.x-video.mp4", Outcome::kFailed, "f2b");
  again.renditions[2] = rendition(dir.path(), "C0001.instagram-reel.mp4", Outcome::kMade, "f3");
  merge_report(m, again);
  // Up to date: the entry that made it stays as it was.
  EXPECT_EQ(m.outputs.at("C0001.youtube.mp4").fingerprint, "f1");
  EXPECT_EQ(m.outputs.at("C0001.youtube.mp4").outcome, Outcome::kMade);
  // A failure keeps the record of the good file still there, and says what went wrong since.
  const ManifestEntry& x = m.outputs.at("C0001.x-video.mp4");
  EXPECT_EQ(x.outcome, Outcome::kMade);
  EXPECT_EQ(x.fingerprint, "f2");
  EXPECT_EQ(nlohmann::json::parse(x.details)["last_failure"]["message"],
            "does not meet the limits");
  // A failed entry is replaced by the output made now.
  EXPECT_EQ(m.outputs.at("C0001.instagram-reel.mp4").outcome, Outcome::kMade);
  EXPECT_EQ(m.outputs.at("C0002.youtube.mp4").fingerprint, "g1");

  // A failure where no good file is left replaces the entry.
  fs::remove(dir / "C0002.youtube.mp4");
  InputReport gone = second;
  gone.renditions[0] = rendition(dir.path(), "C0002.youtube.mp4", Outcome::kFailed, "g2");
  merge_report(m, gone);
  EXPECT_EQ(m.outputs.at("C0002.youtube.mp4").outcome, Outcome::kFailed);
}

TEST(RenderManifest, TheJsonReportOfAnInputSaysEachOutcomeInWords) {
  InputReport r;
  r.input = "/cards/C0001.MP4";
  r.renditions = {rendition("/out", "C0001.youtube.mp4", Outcome::kUpToDate, "f"),
                  rendition("/out", "C0001.x-video.mp4", Outcome::kFailed, "g")};
  r.damaged = {{3.0, 4.0}};
  const nlohmann::json j = nlohmann::json::parse(input_report_json(r));
  EXPECT_EQ(j["input"], "/cards/C0001.MP4");
  EXPECT_EQ(j["renditions"][0]["status"], "up-to-date");
  EXPECT_EQ(j["renditions"][1]["status"], "failed");
  EXPECT_EQ(j["renditions"][1]["error"]["message"], "does not meet the limits");
  EXPECT_EQ(j["damaged"][0]["start_s"], 3.0);
}

}  // namespace
}  // namespace saluran
