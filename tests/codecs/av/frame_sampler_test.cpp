#include "codecs/av/frame_sampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran::av {
namespace {

double mean_abs_diff(const Picture& a, const Picture& b) {
  if (a.rgb.size() != b.rgb.size() || a.rgb.empty()) return 1e9;
  double sum = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) sum += std::abs(a.rgb[i] - b.rgb[i]);
  return sum / static_cast<double>(a.rgb.size());
}

TEST(FrameSampler, RotatedPhoneVideoComesOutUpright) {
  SKIP_WITHOUT_CORPUS();
  int frames = 0;
  auto st = sample_frames(test::corpus("phone/video_rotation_90.mp4"), 0, 1, [&](SampledFrame&& f) {
    EXPECT_EQ(f.picture.width, 60);
    EXPECT_EQ(f.picture.height, 100);
    EXPECT_EQ(f.source_width, 60);
    EXPECT_EQ(f.source_height, 100);
    EXPECT_EQ(f.picture.rgb.size(), 60u * 100u * 3u);
    ++frames;
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_GT(frames, 0);
}

TEST(FrameSampler, NonSquarePixelsAreMadeSquare) {
  SKIP_WITHOUT_CORPUS();
  // 640x480 stored with pixels 16:9 wide: 1138x480 displayed.
  Picture got;
  auto st = sample_frames(test::corpus("camera/h264_white_frame_sar_16_9.mp4"), 0, 1,
                          [&](SampledFrame&& f) {
                            got = std::move(f.picture);
                            return false;
                          });
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_NEAR(got.width, 640 * 16 / 9, 1);
  EXPECT_EQ(got.height, 480);
}

TEST(FrameSampler, ScalesStepsAndStops) {
  SKIP_WITHOUT_CORPUS();
  const std::string clip = test::corpus("people/short_hamilton_clip.mp4");
  std::vector<std::int64_t> indices;
  std::vector<double> times;
  auto st = sample_frames(clip, 480, 3, [&](SampledFrame&& f) {
    EXPECT_EQ(f.picture.width, 480);
    EXPECT_EQ(f.picture.height, 270);
    EXPECT_EQ(f.source_width, 640);
    EXPECT_EQ(f.source_height, 360);
    indices.push_back(f.index);
    times.push_back(f.time_s);
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  // 9 s at 29.97 fps, every third frame.
  ASSERT_GT(indices.size(), 80u);
  for (std::size_t i = 0; i < indices.size(); ++i) {
    EXPECT_EQ(indices[i], static_cast<std::int64_t>(3 * i));
    if (i > 0) {
      EXPECT_NEAR(times[i] - times[i - 1], 3 / 29.97, 0.01);
    }
  }
  // Times are on the file's clock: this clip's picture starts 0.85 s in (its sound starts
  // first), as ffprobe reports.
  EXPECT_GT(times.front(), 0.8);
  EXPECT_LT(times.front(), 0.9);

  int seen = 0;
  st = sample_frames(clip, 160, 1, [&](SampledFrame&&) { return ++seen < 5; });
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(seen, 5);
}

// sample_video: every frame small, the looked-at ones at the larger size too (the same picture
// sample_frames gives), from one decode.
TEST(FrameSampler, SampleVideoGivesEveryFrameSmallAndTheLookedAtOnesLarger) {
  SKIP_WITHOUT_CORPUS();
  const std::string clip = test::corpus("people/short_hamilton_clip.mp4");
  std::vector<Picture> every_fifth;
  ASSERT_TRUE(sample_frames(clip, 320, 5, [&](SampledFrame&& f) {
                every_fifth.push_back(std::move(f.picture));
                return true;
              }).ok());
  const std::uint64_t before = sampling_decodes();
  SamplingPlan plan;
  plan.max_edge = 320;
  plan.small_edge = 64;
  plan.look = [](std::int64_t index, double) { return index % 5 == 0; };
  std::int64_t frames = 0;
  std::size_t looked = 0;
  auto st = sample_video(clip, plan, [&](SampledFrame&& f) {
    EXPECT_EQ(f.index, frames++);
    EXPECT_EQ(f.small.width, 64);
    EXPECT_EQ(f.small.height, 36);
    if (f.index % 5 != 0) {
      EXPECT_TRUE(f.picture.empty()) << f.index;
      return true;
    }
    EXPECT_EQ(f.picture.width, 320);
    if (looked < every_fifth.size()) {
      EXPECT_LT(mean_abs_diff(f.picture, every_fifth[looked]), 0.01) << f.index;
    }
    ++looked;
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(sampling_decodes(), before + 1);
  EXPECT_GT(frames, 270);
  EXPECT_EQ(looked, every_fifth.size());
}

TEST(FrameSampler, DecodeFrameAtMatchesTheSampledFrame) {
  SKIP_WITHOUT_CORPUS();
  const std::string clip = test::corpus("people/short_hamilton_clip.mp4");
  Picture sampled;
  double sampled_time = -1;
  auto st = sample_frames(clip, 0, 1, [&](SampledFrame&& f) {
    if (f.time_s < 4.0) return true;
    sampled = std::move(f.picture);
    sampled_time = f.time_s;
    return false;
  });
  ASSERT_TRUE(st.ok());
  ASSERT_GE(sampled_time, 4.0);
  auto at = decode_frame_at(clip, 4.0);
  ASSERT_TRUE(at.ok()) << at.error().to_string();
  EXPECT_EQ(at->width, 640);
  EXPECT_EQ(at->height, 360);
  EXPECT_LT(mean_abs_diff(*at, sampled), 0.5);
  // Beyond the end: the last frame, not an error.
  auto late = decode_frame_at(clip, 1000.0);
  ASSERT_TRUE(late.ok()) << late.error().to_string();
  EXPECT_EQ(late->width, 640);
}

TEST(FrameSampler, DecodeFramesAtMatchesDecodeFrameAtFromOneOpen) {
  SKIP_WITHOUT_CORPUS();
  const std::string clip = test::corpus("people/short_hamilton_clip.mp4");
  auto frames = decode_frames_at(clip, {1.0, 4.0, 1000.0}, 0);
  ASSERT_TRUE(frames.ok()) << frames.error().to_string();
  ASSERT_EQ(frames->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    auto one = decode_frame_at(clip, std::vector<double>{1.0, 4.0, 1000.0}[i]);
    ASSERT_TRUE(one.ok());
    EXPECT_LT(mean_abs_diff((*frames)[i], *one), 0.5) << i;
  }
  EXPECT_GT(mean_abs_diff((*frames)[0], (*frames)[1]), 0.5);  // different moments
  // Scaled on conversion: the long edge at most max_edge.
  auto small = decode_frames_at(clip, {2.0}, 160);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ((*small)[0].width, 160);
  EXPECT_EQ((*small)[0].height, 90);
  EXPECT_FALSE(decode_frames_at(test::corpus("missing.mp4"), {1.0}, 0).ok());
}

TEST(FrameSampler, DecodeFrameAtOfRotatedVideoIsUpright) {
  SKIP_WITHOUT_CORPUS();
  auto p = decode_frame_at(test::corpus("phone/video_rotation_90.mp4"), 0.0);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->width, 60);
  EXPECT_EQ(p->height, 100);
}

TEST(FrameSampler, ErrorsNameTheFile) {
  test::TempDir dir("frame-sampler");
  const std::string missing = dir / "nope.mp4";
  auto st = sample_frames(missing, 0, 1, [](SampledFrame&&) { return true; });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().context.file, missing);
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);

  const std::string text = dir / "notes.mp4";
  std::ofstream(text) << "this is not a video, only some words in a file\n";
  st = sample_frames(text, 0, 1, [](SampledFrame&&) { return true; });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().context.file, text);
  auto at = decode_frame_at(text, 1.0);
  ASSERT_FALSE(at.ok());
  EXPECT_EQ(at.error().context.file, text);

  st = sample_frames(text, 0, 0, [](SampledFrame&&) { return true; });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
}

TEST(FrameSampler, BrokenFilesGiveAnErrorOrFramesNeverACrash) {
  SKIP_WITHOUT_CORPUS();
  for (const char* name : {"broken/invalid_userdata.mp4", "broken/truncated.jpg",
                           "broken/bomb-17000x17000.avif", "broken/looks-like-svg.webp"}) {
    const std::string path = test::corpus(name);
    int frames = 0;
    auto st = sample_frames(path, 160, 1, [&](SampledFrame&& f) {
      EXPECT_FALSE(f.picture.empty());
      ++frames;
      return true;
    });
    if (!st.ok()) {
      EXPECT_EQ(st.error().context.file, path) << st.error().to_string();
      EXPECT_FALSE(st.error().message.empty());
    } else {
      EXPECT_GT(frames, 0) << name;
    }
  }
}

}  // namespace
}  // namespace saluran::av
