#pragma once
// The Facebook connector's calls to the Graph API, shared by its files (facebook.cpp for
// photos and posts, facebook_video.cpp for the video and Reel uploads). Internal to the
// connector: nothing else includes it.

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/connector.hpp"
#include "connectors/http/form.hpp"
#include "connectors/json_fields.hpp"
#include "pipeline/model/channel.hpp"

namespace saluran::facebook {

using json = nlohmann::json;
using json_fields::dump;
using json_fields::num;
using json_fields::parse;
using json_fields::str;

/// One answer of the Graph API: its status and its JSON body.
struct Answer {
  long status = 0;
  json body;
  std::string retry_after;  ///< the Retry-After header, when sent
};

/// Form fields of a request, in order.
using Fields = http::FormFields;

/// A file part of a multipart body: `length` bytes of `path` from `offset`.
struct FilePart {
  std::string name;  ///< the form field (source, video_file_chunk)
  std::filesystem::path path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::string filename;
  std::string type;  ///< its MIME type
};

/// The channel, its token and the run's client: everything a call needs.
struct Graph {
  const ChannelConfig& channel;
  const ConnectorContext& context;

  /// `url` + path (the Graph root).
  std::string api(const std::string& path) const;
  /// `upload_url` + path (the graph-video root).
  std::string video_api(const std::string& path) const;
  /// A line for the --verbose log.
  void log(const std::string& line) const;

  /// A request with the token in the Authorization header and JSON answers accepted.
  http::Request request(std::string method, std::string url) const;
  /// A url-encoded form POST.
  http::Request form(std::string url, const Fields& fields) const;
  /// A multipart POST of `fields` and one file part (read into memory: one photo or chunk).
  Result<http::Request> multipart(std::string url, const Fields& fields,
                                  const FilePart& file) const;

  /// Sends `req`; an answer outside 2xx is mapped to a clear Error (see error()).
  Result<json> call(const http::Request& req, const std::string& doing) const;
  /// Sends `req` and returns the answer, error answers included (for lookups).
  Result<Answer> exchange(const http::Request& req, const std::string& doing) const;
  /// A create that must not be repeated blindly: sent once; an error status answered by the
  /// server (5xx, 429: nothing was made) is tried again up to 3 times, a lost answer is not.
  Result<json> create(http::Request req, const std::string& doing) const;

  /// The Error for an error answer: expired token, missing permission, rate limit, video
  /// problems, duplicate post; each names the channel and says what to do.
  Error error(const http::Request& req, const Answer& a, const std::string& doing) const;
  /// An Error naming the channel.
  Error fail(ErrorCode code, const std::string& text, std::string detail = {}) const;
};

/// Whether `media` goes up as a Reel (preset facebook-reel).
bool is_reel(const PlannedMedia& media);
/// Uploads a video (start, transfer, kept offsets) and returns its video id.
Result<RemoteItem> upload_video(const Graph& g, const PlannedMedia& media, json& state,
                                const std::function<void(const json&)>& keep);
/// Uploads a Reel's bytes (start, rupload from the reported offset) and returns its video id.
Result<RemoteItem> upload_reel(const Graph& g, const PlannedMedia& media, json& state,
                               const std::function<void(const json&)>& keep);
/// The bytes of video `id` the server has (status.uploading_phase.bytes_transferred) and
/// whether its upload phase is complete; `last_on_connection` closes the connection after it
/// (the upload that follows starts on a fresh one).
Result<std::pair<std::uint64_t, bool>> uploaded_bytes(const Graph& g, const std::string& id,
                                                      bool last_on_connection = false);
/// Finishes a video or Reel with the post's text and status: the video becomes the post.
Result<RemoteItem> finish_video(const Graph& g, const ChannelPlan& plan, const RemoteItem& video,
                                const std::string& message);

}  // namespace saluran::facebook
