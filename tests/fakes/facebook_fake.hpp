#pragma once
// A fake Facebook Graph API for one Page: photos (unpublished for multi-photo posts), feed
// posts with attached_media, the resumable video upload on graph-video (start, transfer,
// finish), Reels (video_reels start/finish and the rupload byte upload), reading objects back,
// and the Page's post lists. It checks what Graph checks (token, Page id, required fields,
// offsets, chunk sizes, limits, order of calls) and answers with Graph's error JSON.
//
//   test::FakeFacebook fb;
//   channel.url = fb.graph_url();          // http://127.0.0.1:PORT/v24.0
//   channel.upload_url = fb.video_url();   // http://127.0.0.1:PORT/video/v24.0
//   channel.account = fb.page_id();
//   context.secret = fb.token();

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/fakes/fake_platform.hpp"

namespace saluran::test {

/// One post on the fake Page (a feed post, or a finished video or Reel).
struct FakeFacebookPost {
  std::string id{};
  std::string message{};
  bool published = true;
  long long scheduled_publish_time = 0;
  long long created_time = 0;
  std::vector<std::string> photos{};  ///< attached photo ids
  std::string video{};                ///< the video id when the post is a video or Reel
};

/// A photo or video the fake holds.
struct FakeFacebookMedia {
  std::string id{};
  std::string kind{};  ///< "photo", "video" or "reel"
  std::string session{};
  std::uint64_t size = 0;  ///< file_size announced (videos) or bytes (photos)
  std::string bytes{};     ///< what arrived, in order
  bool published = false;
  bool finished = false;
  bool temporary = false;
  std::string description{}, title{}, alt{};
};

/// The fake; constructible with no arguments (the crash test starts one per run).
class FakeFacebook : public FakePlatform {
 public:
  FakeFacebook();

  /// The Graph root to give the connector as `url`.
  std::string graph_url() const { return url("/v24.0"); }
  /// The graph-video root to give the connector as `upload_url`.
  std::string video_url() const { return url("/video/v24.0"); }
  const std::string& page_id() const { return page_id_; }
  /// The valid Page access token.
  std::string token() const;
  /// Replaces the valid token (the old one is refused from now on: code 190).
  void set_token(const std::string& token);
  /// The token expires once this many video bytes are stored in all (0: never).
  void expire_token_after_bytes(std::uint64_t bytes);
  /// The chunk size the video upload asks for (default 1 MiB).
  void set_chunk_size(std::uint64_t bytes);
  /// A finished video reads as video_status "processing" for this many status reads.
  void set_processing_reads(int reads);

  /// Upload sessions started (videos and Reels).
  int uploads_started() const;
  /// Video and Reel uploads whose every byte arrived.
  int completed_uploads() const;
  /// Posts made (feed posts and finished videos/Reels).
  int posts() const;
  /// Photos uploaded.
  int photos() const;
  /// Bytes stored for media `id` (a video's received bytes, a photo's size).
  std::uint64_t stored_bytes(const std::string& id) const;
  /// A copy of every post, in the order made.
  std::vector<FakeFacebookPost> post_list() const;
  /// A copy of media `id` (empty id when none).
  FakeFacebookMedia media(const std::string& id) const;

 private:
  void add_routes();
  void add_video_routes();
  void add_read_routes();
  void video_start(const httplib::Request& req, httplib::Response& res);
  void video_transfer(const httplib::Request& req, httplib::Response& res);
  void video_finish(const httplib::Request& req, httplib::Response& res);
  void reels(const httplib::Request& req, httplib::Response& res);
  void rupload(const httplib::Request& req, httplib::Response& res,
               const httplib::ContentReader& reader);
  void read_object(const httplib::Request& req, httplib::Response& res);
  void list_posts(const httplib::Request& req, httplib::Response& res, bool published);
  /// Counts `n` more video bytes stored (for the token's expiry) and a completed upload.
  void stored(FakeFacebookMedia& m, std::size_t n);
  /// Whether the request carries the valid token; otherwise fills `res` with error 190.
  bool authorized(const httplib::Request& req, httplib::Response& res);
  std::string new_id();

  std::string page_id_ = "1029384756";
  std::string token_ = "EAAG-page-token-1";
  std::uint64_t expire_after_ = 0;
  std::uint64_t video_bytes_ = 0;
  std::uint64_t chunk_ = 1u << 20;
  int processing_reads_ = 0;
  long long next_id_ = 500000000001;
  int uploads_started_ = 0, completed_ = 0, photos_ = 0;
  std::map<std::string, FakeFacebookMedia> media_;
  std::vector<FakeFacebookPost> posts_;
  std::map<std::string, std::string> sessions_;  // upload_session_id -> video id
};

}  // namespace saluran::test
