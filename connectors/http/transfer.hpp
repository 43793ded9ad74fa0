#pragma once
// The state of one HTTP attempt and the libcurl callbacks that use it. Internal to
// connectors/http (it includes curl): only .cpp files of this folder include it.

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "connectors/http/client.hpp"
#include "connectors/http/curl_handle.hpp"

namespace saluran::http {

struct FileClose {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileClose>;

/// One attempt of a request: the body being read, the response being collected.
class Transfer {
 public:
  Transfer(const Request& request, const LogFn& log, const ProgressFn& progress);
  ~Transfer();

  /// Opens the body file (range) and the response file; errors name the file.
  Status open();
  /// Request body size in bytes (0 when none).
  std::uint64_t body_size() const { return body_size_; }
  bool has_body() const { return has_body_; }
  /// The response once curl_easy_perform succeeded.
  Result<Response> finish(CURL* curl);
  /// The Error for a failed curl_easy_perform.
  Error transport_error(CURLcode code, const Request& request) const;
  /// True when the failure was ours (body file unreadable, response cap, disk): no retry.
  bool local_failure() const { return !local_error_.empty() || cap_exceeded_ || no_status_; }
  /// True when the transfer was ended on purpose (Request::stop_after_bytes, done_when_sent):
  /// the abort libcurl reports is then a success.
  bool ended_early() const { return ended_early_; }
  char* error_buffer() { return errbuf_; }

  static size_t on_read(char* buf, size_t size, size_t n, void* self);
  static int on_seek(void* self, curl_off_t offset, int origin);
  static size_t on_write(char* data, size_t size, size_t n, void* self);
  static size_t on_header(char* data, size_t size, size_t n, void* self);
  static int on_progress(void* self, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                         curl_off_t ulnow);
  static int on_debug(CURL* curl, curl_infotype type, char* data, size_t size, void* self);

 private:
  const Request& request_;
  const LogFn& log_;
  const ProgressFn& progress_;
  bool has_body_ = false;
  std::uint64_t body_size_ = 0;
  std::uint64_t body_pos_ = 0;
  FilePtr body_file_;
  FilePtr out_file_;
  std::filesystem::path out_part_;
  Headers headers_;
  std::string body_;
  std::uint64_t received_ = 0;
  bool cap_exceeded_ = false;
  bool ended_early_ = false;
  bool no_status_ = false;  // Request::status_within passed without a status
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  long status_seen_ = 0;  // the last status line's code (100 Continue, then the final one)
  std::string local_error_;
  char errbuf_[CURL_ERROR_SIZE] = {};
};

/// Sets every option of `curl` for `request`; `headers` keeps the header list alive.
Status configure(CURL* curl, const Request& request, const ClientOptions& options, Transfer& t,
                 CurlHeaders& headers, const ProgressFn& progress);

/// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);

/// At most ~200 characters of a body for a message: one line, tags of an HTML page dropped.
std::string body_excerpt(std::string_view body);

}  // namespace saluran::http
