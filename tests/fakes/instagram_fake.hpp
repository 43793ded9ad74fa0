#pragma once
// A fake of the Instagram Content Publishing API (Graph API): containers made from public
// image_url/video_url addresses that it really fetches (as Meta does: "we cURL media used in
// publishing attempts"), status polling, carousels, media_publish, the publishing limit and the
// media read back. It checks what Instagram checks and answers with its documented errors.
//
//   FakeInstagram ig;                        // account FakeInstagram::kAccount, token ig.token()
//   std::string url = ig.serve_file("a.jpg", path);   // a "public" address of a local file
//   channel.url = ig.url(); channel.account = FakeInstagram::kAccount;
//   ... publish ...
//   EXPECT_EQ(ig.posts(), 1);
//
// Tests only: state in memory, one account.

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tests/fakes/fake_platform.hpp"

namespace saluran::test {

/// One published post as the fake holds it.
struct FakeInstagramPost {
  std::string id;
  std::string creation_id;
  std::string caption;
  std::string media_type;    ///< IMAGE, VIDEO or CAROUSEL_ALBUM
  std::string product_type;  ///< FEED or REELS
  std::vector<std::string> children_types;
  std::string permalink;
  long long published_at = 0;  ///< seconds since the epoch
};

/// The Instagram Graph API on 127.0.0.1 (see the file comment).
class FakeInstagram : public FakePlatform {
 public:
  static constexpr const char* kAccount = "17841400000000001";

  FakeInstagram();
  ~FakeInstagram() override;

  /// The access token the fake accepts now.
  std::string token() const;
  /// Accepts `token` from now on; the one before is expired (error 190/463).
  void set_token(std::string token);
  /// Serves `path` at /files/NAME (a public host stands in for it); returns that address.
  std::string serve_file(const std::string& name, const std::filesystem::path& path);

  /// Status checks a new container answers IN_PROGRESS before it ends (default 0: a fake
  /// answering at once, so a run through the CLI never waits a poll interval).
  void set_in_progress_polls(int polls);
  /// The next `count` containers end in ERROR with `status` as Instagram's text.
  void fail_next_containers(int count, std::string status);
  /// Every container not yet published is EXPIRED from now on (24 hours went by).
  void expire_containers();
  /// Posts the account may publish in 24 hours (default 50).
  void set_publish_limit(int limit);
  /// Reads of a new reel that show it still processing (no permalink, no media_url).
  void set_reel_processing_reads(int reads);
  /// The next `count` media_publish calls publish, then answer 500 (the answer is lost).
  void lose_publish_answers(int count);
  /// Refuses the next `count` media_publish calls as spam/duplicate (4 / 2207051).
  void refuse_as_duplicate(int count);

  /// Posts published.
  int posts() const;
  /// The posts published, oldest first.
  std::vector<FakeInstagramPost> published() const;
  /// Containers made (carousel parents included).
  int containers_created() const;
  /// Files fetched in full from their public address: Instagram's "uploads".
  int completed_uploads() const;
  /// Request body bytes the API routes received (form fields; FakePlatform::bytes_received
  /// counts before cpp-httplib reads a body).
  std::uint64_t request_body_bytes() const;
  /// Bytes fetched from public addresses.
  std::uint64_t bytes_fetched() const;

 private:
  /// A media container: one file, or a carousel parent.
  struct Container {
    std::string id;
    std::string media_type;  ///< IMAGE, VIDEO, REELS or CAROUSEL
    bool carousel_item = false;
    std::string caption;
    std::vector<std::string> children;
    int polls_left = 0;                     ///< checks still answered IN_PROGRESS
    std::string final_status = "FINISHED";  ///< or ERROR
    std::string error_text;
    bool published = false;
    bool expired = false;
    double seconds = 0;  ///< a video's duration
  };
  /// A published media object (a post or a carousel child).
  struct Media {
    std::string id;
    std::string media_type;
    std::string product_type;
    std::string caption;
    std::vector<std::string> children;
    std::string permalink;
    std::string timestamp;
    int processing_reads = 0;
  };

  bool authorised(const httplib::Request& req, httplib::Response& res);
  void create_container(const httplib::Request& req, httplib::Response& res);
  bool check_caption(const std::string& caption, httplib::Response& res);
  bool check_image(const std::string& data, httplib::Response& res);
  void check_video(const std::string& data, Container& c);
  bool check_children(const std::string& list, Container& c, httplib::Response& res);
  void publish(const httplib::Request& req, httplib::Response& res);
  void publish_container(Container& c, FakeInstagramPost& post);
  void read_object(const std::string& id, httplib::Response& res);
  void read_container(Container& c, httplib::Response& res);
  void read_media(Media& m, httplib::Response& res);
  void list_media(httplib::Response& res);
  void publishing_limit(httplib::Response& res);
  bool fetch(const std::string& url, std::string& body);
  void serve(const httplib::Request& req, httplib::Response& res);
  std::string new_id();

  std::string token_ = "ig-fake-token";
  std::map<std::string, std::filesystem::path> files_;
  mutable std::mutex mutex_;        ///< the state below but files_
  mutable std::mutex files_mutex_;  ///< files_ (served while a container fetches them)
  std::map<std::string, Container> containers_;
  std::map<std::string, Media> media_;
  std::vector<FakeInstagramPost> posts_;
  int in_progress_polls_ = 0;
  int fail_count_ = 0;
  std::string fail_status_;
  int publish_limit_ = 50;
  int reel_processing_reads_ = 0;
  int lose_answers_ = 0;
  int duplicates_ = 0;
  int containers_created_ = 0;
  int completed_uploads_ = 0;
  std::uint64_t bytes_fetched_ = 0;
  std::uint64_t request_body_bytes_ = 0;
  long long next_id_ = 1;
};

}  // namespace saluran::test
