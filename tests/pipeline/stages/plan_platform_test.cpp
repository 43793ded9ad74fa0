// The platforms' rules found by plan before anything is sent: item counts (Instagram carousel,
// X photos or video, one YouTube video), Instagram's picture shapes, and the public address
// Instagram fetches files from.

#include "pipeline/stages/plan_platform.hpp"

#include <gtest/gtest.h>

namespace saluran {
namespace {

PlannedMedia item(const std::string& kind, int w, int h, const std::string& file = "a.jpg") {
  PlannedMedia m;
  m.kind = kind;
  m.width = w;
  m.height = h;
  m.file = "/render/" + file;
  m.source = "/library/" + file;
  m.upload_name = "story-" + file;
  return m;
}

ChannelPlan channel(ChannelKind kind, const std::string& name) {
  ChannelPlan p;
  p.channel.name = name;
  p.channel.kind = kind;
  return p;
}

std::string problems_text(const ChannelPlan& p) {
  std::string out;
  for (const PlanProblem& pr : p.problems) out += pr.message + "\n";
  return out;
}

TEST(PlanPlatform, PrivateAddressesAreTold) {
  for (const char* url : {"http://127.0.0.1:8080/wp", "http://localhost/", "https://192.168.1.5/x",
                          "http://10.0.0.2", "http://172.20.1.1/", "http://[::1]:80/",
                          "http://kantor.local/", "http://intranet/", "http://user@10.1.1.1:81/"})
    EXPECT_TRUE(is_private_address(url)) << url;
  for (const char* url : {"https://diskominfo.example.go.id/", "http://172.32.0.1/",
                          "https://8.8.8.8/", "https://[2001:db8::1]/"})
    EXPECT_FALSE(is_private_address(url)) << url;
}

TEST(PlanPlatform, InstagramTakesTenItemsAndPicturesFrom4x5To191) {
  ChannelPlan p = channel(ChannelKind::kInstagram, "instagram");
  p.channel.public_base_url = "https://cdn.example.go.id/render";
  for (int i = 0; i < 11; ++i)
    p.media.push_back(item("photo", 1080, 1350, std::to_string(i) + ".jpg"));
  p.media.push_back(item("photo", 1080, 1440, "tall phone.jpg"));  // 3:4
  plan_platform({}, p);
  const std::string text = problems_text(p);
  EXPECT_NE(text.find("at most 10 pictures and videos"), std::string::npos) << text;
  EXPECT_NE(text.find("this post has 12"), std::string::npos) << text;
  EXPECT_NE(text.find("tall phone.jpg would be 1080x1440 (0.75:1)"), std::string::npos) << text;
  EXPECT_NE(text.find("instagram-feed-4x5"), std::string::npos) << text;
  EXPECT_EQ(p.problems.size(), 2u) << text;
  // The public folder gives every file its address, the name made safe for a URL.
  EXPECT_EQ(p.media.back().public_url, "https://cdn.example.go.id/render/tall%20phone.jpg");
}

TEST(PlanPlatform, InstagramWithoutAPublicAddressSaysWhatToSet) {
  ChannelPlan p = channel(ChannelKind::kInstagram, "ig");
  p.media.push_back(item("photo", 1080, 1080));
  plan_platform({}, p);
  ASSERT_EQ(p.problems.size(), 1u);
  EXPECT_TRUE(p.problems[0].blocking);
  EXPECT_NE(p.problems[0].message.find("public_via"), std::string::npos);
  EXPECT_NE(p.problems[0].message.find("public_base_url"), std::string::npos);
}

TEST(PlanPlatform, InstagramHostedOnTheWebsiteOrOnAPrivateFolder) {
  ChannelConfig site;
  site.name = "website";
  site.kind = ChannelKind::kWordPress;
  site.url = "https://diskominfo.example.go.id/";
  ChannelPlan p = channel(ChannelKind::kInstagram, "ig");
  p.channel.public_via = "website";
  p.media.push_back(item("photo", 1080, 1080));
  plan_platform({site}, p);
  EXPECT_TRUE(p.problems.empty()) << problems_text(p);
  ASSERT_TRUE(p.media_host);
  EXPECT_EQ(p.media_host->name, "website");

  ChannelPlan wrong = channel(ChannelKind::kInstagram, "ig");
  wrong.channel.public_via = "radio";
  wrong.media.push_back(item("photo", 1080, 1080));
  plan_platform({site}, wrong);
  EXPECT_NE(problems_text(wrong).find("names no wordpress channel"), std::string::npos);

  ChannelPlan lan = channel(ChannelKind::kInstagram, "ig");
  lan.channel.public_base_url = "http://192.168.1.20/render/";
  lan.media.push_back(item("photo", 1080, 1080));
  plan_platform({}, lan);
  EXPECT_NE(problems_text(lan).find("cannot fetch files from 192.168.1.20"), std::string::npos)
      << problems_text(lan);
  // An API reached on this network (a proxy on this machine) can fetch from it.
  ChannelPlan proxied = lan;
  proxied.problems.clear();
  proxied.channel.url = "http://127.0.0.1:9000/v24.0";
  plan_platform({}, proxied);
  EXPECT_TRUE(proxied.problems.empty()) << problems_text(proxied);
}

TEST(PlanPlatform, XTakesFourPhotosOrOneVideo) {
  // By default the video alone is posted, or the first four photos, with a note.
  ChannelPlan both = channel(ChannelKind::kX, "x");
  both.media = {item("photo", 1280, 720), item("video", 1280, 720, "v.mp4")};
  plan_platform({}, both);
  ASSERT_EQ(both.media.size(), 1u);
  EXPECT_EQ(both.media[0].kind, "video");
  ASSERT_EQ(both.problems.size(), 1u);
  EXPECT_FALSE(both.problems[0].blocking);
  ChannelPlan five = channel(ChannelKind::kX, "x");
  for (int i = 0; i < 5; ++i) five.media.push_back(item("photo", 1280, 720));
  plan_platform({}, five);
  EXPECT_EQ(five.media.size(), 4u);
  EXPECT_NE(problems_text(five).find("1 left out"), std::string::npos);
  // Chosen by the operator: refused, with the rule and what to change.
  ChannelPlan chosen = channel(ChannelKind::kX, "x");
  chosen.media = {item("photo", 1280, 720), item("video", 1280, 720, "v.mp4")};
  plan_platform({}, chosen, true);
  EXPECT_NE(problems_text(chosen).find("four photos or one video, not both"), std::string::npos);
  EXPECT_TRUE(chosen.problems[0].blocking);
  ChannelPlan many = channel(ChannelKind::kX, "x");
  for (int i = 0; i < 5; ++i) many.media.push_back(item("photo", 1280, 720));
  plan_platform({}, many, true);
  EXPECT_NE(problems_text(many).find("at most 4 photos; this post has 5"), std::string::npos);
  ChannelPlan four = channel(ChannelKind::kX, "x");
  for (int i = 0; i < 4; ++i) four.media.push_back(item("photo", 1280, 720));
  plan_platform({}, four, true);
  EXPECT_TRUE(four.problems.empty()) << problems_text(four);
}

TEST(PlanPlatform, FacebookPostsPhotosOrAVideo) {
  ChannelPlan p = channel(ChannelKind::kFacebook, "facebook");
  p.media = {item("photo", 1280, 720), item("photo", 1280, 720), item("video", 1280, 720, "v.mp4")};
  plan_platform({}, p);
  ASSERT_EQ(p.media.size(), 1u);
  EXPECT_EQ(p.media[0].kind, "video");
  EXPECT_NE(problems_text(p).find("a Facebook post is photos or a video"), std::string::npos);
  EXPECT_FALSE(p.problems[0].blocking);
  ChannelPlan chosen = channel(ChannelKind::kFacebook, "facebook");
  chosen.media = {item("photo", 1280, 720), item("video", 1280, 720, "v.mp4")};
  plan_platform({}, chosen, true);
  ASSERT_EQ(chosen.problems.size(), 1u);
  EXPECT_TRUE(chosen.problems[0].blocking);
}

TEST(PlanPlatform, YouTubePostsOneVideo) {
  ChannelPlan p = channel(ChannelKind::kYouTube, "youtube");
  p.media = {item("video", 1920, 1080, "a.mp4"), item("video", 1920, 1080, "b.mp4"),
             item("photo", 1280, 720)};
  plan_platform({}, p);
  EXPECT_NE(problems_text(p).find("a YouTube post is one video"), std::string::npos);
  ChannelPlan gallery = channel(ChannelKind::kYouTube, "youtube");
  gallery.media = {item("photo", 1280, 720), item("photo", 1280, 720, "b.jpg"),
                   item("video", 1920, 1080, "a.mp4")};
  plan_platform({}, gallery);
  EXPECT_NE(problems_text(gallery).find("YouTube takes one picture, the cover"), std::string::npos);
  ChannelPlan one = channel(ChannelKind::kYouTube, "youtube");
  one.media = {item("photo", 1280, 720), item("video", 1920, 1080, "a.mp4")};
  plan_platform({}, one);
  EXPECT_TRUE(one.problems.empty()) << problems_text(one);
}

}  // namespace
}  // namespace saluran
