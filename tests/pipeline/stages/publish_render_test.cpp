// The render calls of a story in two lanes (issue 17, point 5): the photos and sound beside the
// videos on a machine with two cores or more, never more than the two lanes at once.

#include "pipeline/stages/publish_render.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace saluran {
namespace {

RenderJob job(const std::string& kind, const std::string& source) {
  RenderJob j;
  j.kind = kind;
  j.source = source;
  return j;
}

/// A fake render call: a video waits (up to `wait`) for a photo to start beside it.
struct Recorder {
  std::chrono::milliseconds wait{5000};
  std::mutex m;
  std::condition_variable cv;
  bool photo_started = false;
  bool photo_beside_video = false;
  std::atomic<int> running{0};
  int most_at_once = 0;

  std::vector<InputReport> run(RenderJob& j) {
    const int now = ++running;
    {
      std::unique_lock<std::mutex> lock(m);
      most_at_once = std::max(most_at_once, now);
      if (j.kind == "video") {
        photo_beside_video = cv.wait_for(lock, wait, [this] { return photo_started; });
      } else {
        photo_started = true;
        cv.notify_all();
      }
    }
    --running;
    InputReport r;
    r.input = j.source;
    return {r};
  }
};

std::vector<std::string> inputs(const std::vector<InputReport>& reports) {
  std::vector<std::string> out;
  for (const InputReport& r : reports) out.push_back(r.input);
  return out;
}

TEST(RenderInLanes, PhotosAndSoundRunBesideTheVideosWithTwoLanes) {
  RenderJob a = job("photo", "IMG_1.jpg");
  RenderJob b = job("video", "C0001.MP4");
  RenderJob c = job("audio", "talk.wav");
  RenderJob d = job("video", "C0002.MP4");
  Recorder rec;
  const auto reports =
      render_in_lanes({&a, &b, &c, &d}, 2, [&rec](RenderJob& j) { return rec.run(j); });
  EXPECT_TRUE(rec.photo_beside_video);
  EXPECT_EQ(rec.most_at_once, 2);
  EXPECT_EQ(inputs(reports),
            (std::vector<std::string>{"C0001.MP4", "C0002.MP4", "IMG_1.jpg", "talk.wav"}));
}

// The second lane takes only the cores the videos leave idle, and so do the threads it starts
// (a photo's parallel work).
TEST(RenderInLanes, ThePicturesLaneRunsOnIdleCoresOnly) {
  RenderJob a = job("photo", "IMG_1.jpg");
  RenderJob b = job("video", "C0001.MP4");
  std::mutex m;
  std::map<std::string, int> policy;
  render_in_lanes({&a, &b}, 2, [&](RenderJob& j) {
    int inner = -1;
    std::thread([&inner] { inner = sched_getscheduler(0); }).join();
    const std::lock_guard<std::mutex> lock(m);
    policy[j.source] = sched_getscheduler(0);
    policy[j.source + " thread"] = inner;
    return std::vector<InputReport>{};
  });
  EXPECT_EQ(policy["IMG_1.jpg"], SCHED_IDLE);
  EXPECT_EQ(policy["IMG_1.jpg thread"], SCHED_IDLE);
  EXPECT_EQ(policy["C0001.MP4"], SCHED_OTHER);
  EXPECT_EQ(policy["C0001.MP4 thread"], SCHED_OTHER);
}

TEST(RenderInLanes, OneLaneRunsVideosFirstThenTheRestOneAtATime) {
  RenderJob a = job("photo", "IMG_1.jpg");
  RenderJob b = job("video", "C0001.MP4");
  Recorder rec;
  rec.wait = std::chrono::milliseconds(50);
  const auto reports = render_in_lanes({&a, &b}, 1, [&rec](RenderJob& j) { return rec.run(j); });
  EXPECT_FALSE(rec.photo_beside_video);
  EXPECT_EQ(rec.most_at_once, 1);
  EXPECT_EQ(inputs(reports), (std::vector<std::string>{"C0001.MP4", "IMG_1.jpg"}));
  // Videos alone, or pictures alone, need no second lane either.
  Recorder only;
  only.wait = std::chrono::milliseconds(1);
  RenderJob v2 = job("video", "C0002.MP4");
  render_in_lanes({&b, &v2}, 2, [&only](RenderJob& j) { return only.run(j); });
  EXPECT_EQ(only.most_at_once, 1);
}

}  // namespace
}  // namespace saluran
