// The publish stage against an in-memory remote: exactly once across failures and reruns,
// reconciling after an upload that reached the remote but was not recorded, updates only when
// asked, dry runs and blocked channels that send nothing.

#include "pipeline/stages/publish.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <mutex>

#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

// What the remote holds and how often each call came.
struct FakeRemote {
  std::mutex mutex;
  std::map<std::string, RemoteItem> media;  // by upload name
  std::map<std::string, RemoteItem> posts;  // by slug
  std::map<std::string, std::string> post_titles;
  int uploads = 0, creates = 0, updates = 0, finds = 0, verifies = 0, next_id = 1;
  // Fault injection: the n-th upload (1-based) fails before reaching the remote, or reaches it
  // and then fails (the answer is lost on the way back).
  int fail_upload_before = 0, fail_upload_after = 0, fail_post_after = 0;
};

class FakeConnector : public Connector {
 public:
  explicit FakeConnector(FakeRemote& r) : r_(r) {}
  Status test() override { return Ok{}; }
  Result<std::optional<RemoteItem>> find_media(const PlannedMedia& m) override {
    std::lock_guard l(r_.mutex);
    ++r_.finds;
    auto it = r_.media.find(m.upload_name);
    if (it == r_.media.end()) return std::optional<RemoteItem>();
    return std::optional<RemoteItem>(it->second);
  }
  Result<RemoteItem> upload_media(const ChannelPlan&, const PlannedMedia& m) override {
    std::lock_guard l(r_.mutex);
    ++r_.uploads;
    if (r_.uploads == r_.fail_upload_before) return make_error(ErrorCode::kIo, "connection reset");
    RemoteItem item{std::to_string(r_.next_id++), "http://remote/" + m.upload_name, m.upload_name,
                    ""};
    r_.media[m.upload_name] = item;
    if (r_.uploads == r_.fail_upload_after) return make_error(ErrorCode::kIo, "answer lost");
    return item;
  }
  Result<std::optional<RemoteItem>> find_post(const ChannelPlan&,
                                              const std::string& slug) override {
    std::lock_guard l(r_.mutex);
    auto it = r_.posts.find(slug);
    if (it == r_.posts.end()) return std::optional<RemoteItem>();
    return std::optional<RemoteItem>(it->second);
  }
  Result<RemoteItem> put_post(const ChannelPlan& plan, const std::string& slug,
                              const std::vector<RemoteItem>& media,
                              const std::optional<RemoteItem>& existing) override {
    std::lock_guard l(r_.mutex);
    EXPECT_EQ(media.size(), plan.media.size());
    RemoteItem post =
        existing ? *existing
                 : RemoteItem{std::to_string(r_.next_id++), "http://remote/" + slug, slug, ""};
    existing ? ++r_.updates : ++r_.creates;
    r_.posts[slug] = post;
    r_.post_titles[slug] = plan.text.title;
    if (r_.creates == r_.fail_post_after && !existing) return make_error(ErrorCode::kIo, "lost");
    return post;
  }
  Result<std::vector<Finding>> verify(const ChannelPlan& plan, const RemoteItem& post,
                                      const std::vector<RemoteItem>&) override {
    std::lock_guard l(r_.mutex);
    ++r_.verifies;
    std::vector<Finding> f;
    if (r_.post_titles[post.name] != plan.text.title)
      f.push_back({"title", plan.text.title, r_.post_titles[post.name]});
    return f;
  }

 private:
  FakeRemote& r_;
};

class PublishStage : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Catalog> c = Catalog::open((dir_.path() / "catalog.db").string());
    ASSERT_TRUE(c) << c.error().to_string();
    catalog_.emplace(std::move(*c));
    plan_.story.slug = "peresmian-jembatan";
    plan_.story.title = "Peresmian Jembatan";
    ChannelPlan ch;
    ch.channel.name = "website";
    ch.channel.kind = ChannelKind::kWordPress;
    ch.text.title = "Peresmian Jembatan 🌉";
    for (int i = 0; i < 4; ++i) {
      PlannedMedia m;
      m.file = dir_.path() / ("photo" + std::to_string(i) + ".jpg");
      std::ofstream(m.file) << "picture " << i;
      m.upload_name = "peresmian-jembatan-" + std::to_string(i) + "-web.jpg";
      ch.media.push_back(m);
    }
    plan_.channels.push_back(ch);
  }

  PublishResult run(PublishOptions options = {}) {
    PublishRequest req;
    req.plan = &plan_;
    req.catalog = &*catalog_;
    req.options = options;
    req.connectors = [&](const ChannelConfig&) -> Result<std::unique_ptr<Connector>> {
      return std::unique_ptr<Connector>(std::make_unique<FakeConnector>(remote_));
    };
    return publish(req);
  }

  test::TempDir dir_{"saluran-publish"};
  std::optional<Catalog> catalog_;
  PublishPlan plan_;
  FakeRemote remote_;
};

TEST_F(PublishStage, PublishesOnceAndASecondRunSendsNothing) {
  PublishResult first = run();
  ASSERT_EQ(first.channels.size(), 1u);
  EXPECT_EQ(first.channels[0].state, ChannelState::kPublished);
  EXPECT_TRUE(first.all_good());
  EXPECT_EQ(remote_.uploads, 4);
  EXPECT_EQ(remote_.creates, 1);
  EXPECT_EQ(remote_.verifies, 1);
  EXPECT_EQ(first.channels[0].bytes_sent, 4u * 9u);

  PublishResult second = run();
  EXPECT_EQ(second.channels[0].state, ChannelState::kUpToDate);
  EXPECT_EQ(remote_.uploads, 4);
  EXPECT_EQ(remote_.creates, 1);
  EXPECT_EQ(remote_.updates, 0);
  EXPECT_EQ(remote_.finds, 0);  // the ledger is trusted: no lookups when all went well
  EXPECT_EQ(second.channels[0].post.id, first.channels[0].post.id);
  EXPECT_EQ(remote_.verifies, 1);  // read back clean before: `verify` reads it again, not this
  EXPECT_TRUE(second.channels[0].verified);
  EXPECT_TRUE(second.all_good());
}

TEST_F(PublishStage, AnUploadThatReachedTheRemoteIsFoundNotSentAgain) {
  remote_.fail_upload_after = 3;  // the third file arrives, its answer is lost
  PublishResult first = run();
  EXPECT_EQ(first.channels[0].state, ChannelState::kFailed);
  ASSERT_TRUE(first.channels[0].error);
  EXPECT_EQ(first.channels[0].error->context.channel, "website");
  EXPECT_EQ(remote_.creates, 0);  // no post without its media

  PublishResult second = run();
  EXPECT_EQ(second.channels[0].state, ChannelState::kPublished);
  EXPECT_EQ(remote_.media.size(), 4u);
  EXPECT_EQ(remote_.uploads, 4);  // three, then only the fourth: the third was found
  EXPECT_EQ(remote_.creates, 1);
  EXPECT_TRUE(second.channels[0].media[2].reconciled);
}

TEST_F(PublishStage, AFailedUploadIsSentAgainOnTheRerun) {
  remote_.fail_upload_before = 2;
  EXPECT_EQ(run().channels[0].state, ChannelState::kFailed);
  EXPECT_EQ(remote_.media.size(), 1u);
  EXPECT_EQ(run().channels[0].state, ChannelState::kPublished);
  EXPECT_EQ(remote_.media.size(), 4u);
  EXPECT_EQ(remote_.creates, 1);
}

TEST_F(PublishStage, APostMadeButNotRecordedIsAdoptedOnTheRerun) {
  remote_.fail_post_after = 1;
  EXPECT_EQ(run().channels[0].state, ChannelState::kFailed);
  EXPECT_EQ(remote_.posts.size(), 1u);
  PublishResult again = run();
  EXPECT_EQ(again.channels[0].state, ChannelState::kUpdated);
  EXPECT_EQ(remote_.creates, 1);
  EXPECT_EQ(remote_.posts.size(), 1u);
}

TEST_F(PublishStage, AnEditedStoryUpdatesOnlyWithUpdate) {
  const std::string id = run().channels[0].post.id;
  plan_.channels[0].text.title = "Peresmian Jembatan Baru";
  PublishResult changed = run();
  EXPECT_EQ(changed.channels[0].state, ChannelState::kChanged);
  EXPECT_FALSE(changed.all_good());
  EXPECT_EQ(remote_.updates, 0);
  PublishResult updated = run({.update = true});
  EXPECT_EQ(updated.channels[0].state, ChannelState::kUpdated);
  EXPECT_EQ(updated.channels[0].post.id, id);
  EXPECT_EQ(remote_.creates, 1);
  EXPECT_EQ(remote_.updates, 1);
  EXPECT_TRUE(updated.channels[0].findings.empty());
}

TEST_F(PublishStage, APostOfTheSameSlugNotOursIsNotTakenOver) {
  remote_.posts["peresmian-jembatan"] = {"99", "http://remote/other", "peresmian-jembatan", ""};
  PublishResult r = run();
  EXPECT_EQ(r.channels[0].state, ChannelState::kFailed);
  ASSERT_TRUE(r.channels[0].error);
  EXPECT_NE(r.channels[0].error->message.find("--update"), std::string::npos);
  EXPECT_EQ(run({.update = true}).channels[0].state, ChannelState::kUpdated);
  EXPECT_EQ(remote_.creates, 0);
}

TEST_F(PublishStage, DryRunAndBlockedChannelsSendNothing) {
  EXPECT_EQ(run({.dry_run = true}).channels[0].state, ChannelState::kDryRun);
  plan_.channels[0].problems.push_back({"website", "no cover photo", true});
  PublishResult blocked = run();
  EXPECT_EQ(blocked.channels[0].state, ChannelState::kBlocked);
  EXPECT_EQ(blocked.channels[0].notes.at(0), "no cover photo");
  EXPECT_EQ(remote_.uploads + remote_.creates + remote_.finds, 0);
}

TEST_F(PublishStage, VerifyReportsWhatChangedOnTheRemote) {
  run();
  remote_.post_titles["peresmian-jembatan"] = "edited by hand";
  PublishRequest req;
  req.plan = &plan_;
  req.catalog = &*catalog_;
  req.connectors = [&](const ChannelConfig&) -> Result<std::unique_ptr<Connector>> {
    return std::unique_ptr<Connector>(std::make_unique<FakeConnector>(remote_));
  };
  PublishResult v = verify_published(req);
  ASSERT_EQ(v.channels[0].findings.size(), 1u);
  EXPECT_EQ(v.channels[0].findings[0].what, "title");
  EXPECT_FALSE(v.all_good());
  Result<std::vector<LedgerEntry>> rows = catalog_->ledger_entries("peresmian-jembatan");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 5u);
}

TEST_F(PublishStage, HooksRunOnceAfterThePostAndAFailureLeavesThePost) {
  const std::string out = (dir_.path() / "hook.json").string();
  plan_.channels[0].channel.on_published = {"cat > '" + out + "'", "exit 3"};
  PublishResult first = run();
  EXPECT_EQ(first.channels[0].state, ChannelState::kPublished);
  ASSERT_EQ(first.channels[0].hooks.size(), 2u);
  EXPECT_TRUE(first.channels[0].hooks[0].ok);
  EXPECT_FALSE(first.channels[0].hooks[1].ok);
  EXPECT_FALSE(first.all_good());  // the failing hook is reported
  std::ifstream in(out);
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(json.find("\"peresmian-jembatan\""), std::string::npos) << json;
  std::filesystem::remove(out);
  PublishResult second = run();  // up to date: announced before, not again
  EXPECT_EQ(second.channels[0].state, ChannelState::kUpToDate);
  EXPECT_TRUE(second.channels[0].hooks.empty());
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(remote_.creates, 1);
}

TEST_F(PublishStage, VerifyOfAStoryNeverPublishedSaysSo) {
  PublishRequest req;
  req.plan = &plan_;
  req.catalog = &*catalog_;
  req.connectors = [&](const ChannelConfig&) -> Result<std::unique_ptr<Connector>> {
    return std::unique_ptr<Connector>(std::make_unique<FakeConnector>(remote_));
  };
  PublishResult v = verify_published(req);
  EXPECT_EQ(v.channels[0].state, ChannelState::kFailed);
  ASSERT_TRUE(v.channels[0].error);
  EXPECT_NE(v.channels[0].error->message.find("never sent"), std::string::npos);
}

// A platform that fetches files by address (Instagram): records the public_url it was given,
// keeps a value in its channel's state, and reports its post as still processing.
class FetchingConnector : public FakeConnector {
 public:
  FetchingConnector(FakeRemote& r, std::vector<std::string>& urls)
      : FakeConnector(r), urls_(urls) {}
  Result<RemoteItem> upload_media(const ChannelPlan& plan, const PlannedMedia& m) override {
    urls_.push_back(m.public_url);
    save_state("upload:" + m.upload_name, "container-" + std::to_string(urls_.size()));
    return FakeConnector::upload_media(plan, m);
  }
  Result<std::vector<Finding>> verify(const ChannelPlan&, const RemoteItem&,
                                      const std::vector<RemoteItem>&) override {
    return std::vector<Finding>{{"processing", "finished", "in progress", true}};
  }

 private:
  std::vector<std::string>& urls_;
};

TEST_F(PublishStage, AMediaHostGivesEachFileItsPublicAddressOnceAndStateIsKept) {
  ChannelPlan ig = plan_.channels[0];
  ig.channel.name = "instagram";
  ig.channel.kind = ChannelKind::kInstagram;
  ig.media_host = plan_.channels[0].channel;
  for (PlannedMedia& m : ig.media) m.upload_name += ".ig";
  plan_.channels = {ig};
  FakeRemote host_remote;
  std::vector<std::string> urls;
  PublishRequest req;
  req.plan = &plan_;
  req.catalog = &*catalog_;
  req.connectors = [&](const ChannelConfig& c) -> Result<std::unique_ptr<Connector>> {
    if (c.name == "website")
      return std::unique_ptr<Connector>(std::make_unique<FakeConnector>(host_remote));
    return std::unique_ptr<Connector>(std::make_unique<FetchingConnector>(remote_, urls));
  };
  PublishResult first = publish(req);
  ASSERT_EQ(first.channels.size(), 1u);
  EXPECT_EQ(first.channels[0].state, ChannelState::kPublished);
  EXPECT_EQ(host_remote.uploads, 4);
  ASSERT_EQ(urls.size(), 4u);
  EXPECT_EQ(urls[0], "http://remote/" + ig.media[0].upload_name);  // the host's address
  EXPECT_EQ(catalog_->connector_state("instagram", "upload:" + ig.media[3].upload_name).value(),
            std::optional<std::string>("container-4"));
  // Still processing: pending, not a difference; the rerun reads it back again.
  ASSERT_EQ(first.channels[0].findings.size(), 1u);
  EXPECT_TRUE(first.channels[0].findings[0].pending);
  EXPECT_TRUE(first.all_good());
  PublishResult second = publish(req);
  EXPECT_EQ(second.channels[0].state, ChannelState::kUpToDate);
  EXPECT_EQ(host_remote.uploads, 4);  // hosted once
  EXPECT_EQ(remote_.uploads, 4);
  EXPECT_EQ(second.channels[0].findings.size(), 1u);  // read back again: it was pending
}

}  // namespace
}  // namespace saluran
