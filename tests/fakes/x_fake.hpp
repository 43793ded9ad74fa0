#pragma once
// A fake X API v2 for the X connector's tests and the lead's crash test: OAuth 2.0 bearer
// tokens (with refresh), the path-style chunked media upload (initialize, append, finalize,
// STATUS), media metadata (alt text), posts and their read-back, the user's timeline.
//
//   FakeX x;                                  // token "x-test-token", user id "1000"
//   channel.url = x.url();                    // the connector's API root
//   ... publish ...
//   EXPECT_EQ(x.posts(), 1);
//   EXPECT_EQ(x.completed_uploads(), 5);
//
// It checks what X checks: the bearer token (and its expiry), initialize's fields and the media
// type per category, segment order and size (8 MB at most), total bytes at finalize, images of
// 5 MB at most, video duration (read from the MP4's mvhd box) at POST /2/tweets, 4 photos or 1
// video per post, 280 weighted characters, duplicate text; errors carry X's problem JSON.
// Like X, it shows a post's URLs as t.co links, adds the media link at the end and escapes &<>.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/fakes/fake_platform.hpp"

namespace saluran::test {

/// One media upload the fake holds.
struct FakeXMedia {
  std::string id;
  std::string media_type;
  std::string category;
  std::uint64_t total_bytes = 0;
  std::map<int, std::string> segments;  ///< by segment_index: the bytes stored
  bool finalized = false;
  std::string state;   ///< processing: "", pending, in_progress, succeeded, failed
  int polls = 0;       ///< STATUS polls since finalize
  double seconds = 0;  ///< video duration read at finalize
  std::string alt;
};

/// One post the fake holds.
struct FakeXPost {
  std::string id;
  std::string text;  ///< as sent
  std::vector<std::string> media_ids;
};

/// The fake X API (see above). Routes run on the server's threads; accessors lock.
class FakeX : public FakePlatform {
 public:
  FakeX();

  /// The valid access token (initially "x-test-token").
  std::string access_token() const;
  /// Makes `refresh` a valid refresh token of client `client_id` (POST /2/oauth2/token).
  void add_refresh_token(const std::string& refresh, const std::string& client_id);
  /// The access token expires after `requests` more authorised requests (401 after that).
  void expire_token_after(int requests);
  /// The longest video a post may carry (default 1200 s; 140 for a default account's old limit).
  void set_max_video_seconds(double seconds);
  /// STATUS polls before a video is "succeeded" (default 2: pending, in_progress, succeeded).
  void set_processing_polls(int polls);
  /// Keeps every video "in_progress" (as X does while it still transcodes) until cleared.
  void hold_processing(bool hold);
  /// The check_after_secs the fake tells (default 0, so tests do not sleep).
  void set_check_after_secs(int seconds);
  /// Posts left in the current rate-limit window, and the window's end (epoch seconds);
  /// after that POST /2/tweets answers 429 with x-rate-limit-reset.
  void set_post_limit(int remaining, long long reset_epoch);

  /// Sets media `id`'s processing state (e.g. "in_progress": X still transcodes the video).
  void set_media_state(const std::string& id, const std::string& state);
  /// The next `n` posts are made but answered 503, as when the answer is lost on the way.
  void drop_post_answers(int n);

  /// The next `n` appends are stored but answered 503 (the answer lost after X kept the segment).
  void drop_append_answers(int n);

  /// Posts made.
  int posts() const;
  /// All posts, oldest first.
  std::vector<FakeXPost> post_list() const;
  /// Uploads initialised.
  int uploads_started() const;
  /// Uploads finalised with all their bytes.
  int completed_uploads() const;
  /// Bytes stored for media `id` (segments kept).
  std::uint64_t stored_bytes(const std::string& id) const;
  /// A copy of media `id` (empty id when unknown).
  FakeXMedia media(const std::string& id) const;
  /// Segments received by append (resent ones included).
  int appends() const;
  /// Request body bytes of the appends that arrived whole (multipart framing included; the
  /// base class's bytes_received does not see multipart bodies, which cpp-httplib parses).
  std::uint64_t append_bytes() const;

 private:
  void add_media_routes();
  void add_post_routes();
  void add_user_routes();
  bool authorised(const httplib::Request& req, httplib::Response& res);
  void initialize(const httplib::Request& req, httplib::Response& res);
  void append(const httplib::Request& req, httplib::Response& res);
  void finalize(const httplib::Request& req, httplib::Response& res);
  void status(const httplib::Request& req, httplib::Response& res);
  void metadata(const httplib::Request& req, httplib::Response& res);
  void create_post(const httplib::Request& req, httplib::Response& res);
  std::string post_refusal(const std::vector<std::string>& ids, const std::string& text,
                           int& status);
  void read_post(const httplib::Request& req, httplib::Response& res);
  void timeline(const httplib::Request& req, httplib::Response& res);
  void token(const httplib::Request& req, httplib::Response& res);
  std::string shown_text(const FakeXPost& post) const;
  std::string post_json(const FakeXPost& post) const;

  std::string token_ = "x-test-token";
  int token_uses_left_ = -1;
  std::map<std::string, std::string> refresh_;  // refresh token -> client id
  std::map<std::string, FakeXMedia> media_;
  std::vector<FakeXPost> posts_;
  long long next_id_ = 1880000000000000000LL;
  int started_ = 0;
  int appends_ = 0;
  std::uint64_t append_bytes_ = 0;
  double max_video_seconds_ = 1200;
  int processing_polls_ = 2;
  bool hold_ = false;
  int check_after_ = 0;
  int posts_left_ = -1;
  int drop_answers_ = 0;
  int drop_append_answers_ = 0;
  long long reset_epoch_ = 0;
};

}  // namespace saluran::test
