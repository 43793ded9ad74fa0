// configure(): the libcurl options of one request (declared in transfer.hpp).

#include <fmt/format.h>

#include "connectors/http/transfer.hpp"

namespace saluran::http {
namespace {

// Records the first failing curl_easy_setopt so one check covers them all.
class Setter {
 public:
  explicit Setter(CURL* curl) : curl_(curl) {}
  template <class T>
  void operator()(CURLoption option, T value) {
    const CURLcode code = curl_easy_setopt(curl_, option, value);
    if (code != CURLE_OK && first_ == CURLE_OK) first_ = code;
  }
  CURLcode first_error() const { return first_; }

 private:
  CURL* curl_;
  CURLcode first_ = CURLE_OK;
};

bool http_url(const std::string& url) {
  const std::string head = url.substr(0, 8);
  std::string lower;
  for (char c : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.starts_with("http://") || lower.starts_with("https://");
}

void set_method(Setter& set, const Request& request, const Transfer& t) {
  const std::string& method = request.method;
  const auto size = static_cast<curl_off_t>(t.body_size());
  if (method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else if (method == "GET" && !t.has_body()) {
    set(CURLOPT_HTTPGET, 1L);
  } else if (method == "PUT") {
    set(CURLOPT_UPLOAD, 1L);
    set(CURLOPT_INFILESIZE_LARGE, size);
  } else if (t.has_body() || method == "POST") {
    // POST with a size and a read callback streams the body; another method name on top.
    set(CURLOPT_POST, 1L);
    set(CURLOPT_POSTFIELDSIZE_LARGE, size);
    if (method != "POST") set(CURLOPT_CUSTOMREQUEST, method.c_str());
  } else {
    set(CURLOPT_CUSTOMREQUEST, method.c_str());
  }
}

CurlHeaders header_list(const Request& request, const Transfer& t) {
  CurlHeaders list;
  for (const Header& h : request.headers.all()) {
    list = append_header(std::move(list), h.name + ": " + h.value);
  }
  // No "Expect: 100-continue" round trip (and its one-second wait on servers that ignore it).
  if (!request.headers.has("Expect")) list = append_header(std::move(list), "Expect:");
  // Without this libcurl labels a POST body as a form.
  if (t.has_body() && !request.headers.has("Content-Type")) {
    list = append_header(std::move(list), "Content-Type: application/octet-stream");
  }
  return list;
}

void set_callbacks(Setter& set, const Request& request, const ClientOptions& options, Transfer& t,
                   const ProgressFn& progress) {
  set(CURLOPT_WRITEFUNCTION, &Transfer::on_write);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&t));
  set(CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&t));
  if (t.has_body()) {
    set(CURLOPT_READFUNCTION, &Transfer::on_read);
    set(CURLOPT_READDATA, static_cast<void*>(&t));
    set(CURLOPT_SEEKFUNCTION, &Transfer::on_seek);
    set(CURLOPT_SEEKDATA, static_cast<void*>(&t));
  }
  // The progress callback also ends live transfers (done_when_sent, status_within).
  if (progress || request.done_when_sent || request.status_within.count() > 0) {
    set(CURLOPT_NOPROGRESS, 0L);
    set(CURLOPT_XFERINFOFUNCTION, &Transfer::on_progress);
    set(CURLOPT_XFERINFODATA, static_cast<void*>(&t));
  }
  if (options.log) {
    set(CURLOPT_VERBOSE, 1L);
    set(CURLOPT_DEBUGFUNCTION, &Transfer::on_debug);
    set(CURLOPT_DEBUGDATA, static_cast<void*>(&t));
  }
  if (request.max_send_bytes_per_second > 0) {
    set(CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(request.max_send_bytes_per_second));
  }
}

}  // namespace

Status configure(CURL* curl, const Request& request, const ClientOptions& options, Transfer& t,
                 CurlHeaders& headers, const ProgressFn& progress) {
  if (!http_url(request.url)) {
    return make_error(ErrorCode::kInvalidArgument, "only http:// and https:// URLs can be used",
                      redact_url(request.url));
  }
  Setter set(curl);
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_ERRORBUFFER, t.error_buffer());
  set(CURLOPT_USERAGENT, options.user_agent.c_str());
  set(CURLOPT_FOLLOWLOCATION, 1L);
  set(CURLOPT_MAXREDIRS, options.max_redirects);
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeouts.connect.count()));
  if (options.timeouts.total.count() > 0) {
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeouts.total.count()));
  }
  if (options.timeouts.low_speed.count() > 0) {
    set(CURLOPT_LOW_SPEED_LIMIT, options.timeouts.low_speed_bytes);
    set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.timeouts.low_speed.count()));
  }
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  // A call that must not be repeated blindly (retry = false: a create) gets a connection of its
  // own: when a reused connection dies before any answer, libcurl sends the request again on a
  // new one by itself, which for a create could make the item twice.
  set(CURLOPT_FRESH_CONNECT, request.retry ? 0L : 1L);
  set(CURLOPT_ACCEPT_ENCODING, "");
  // TLS: verification stays on (libcurl's default); a custom CA file only adds trust.
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) set(CURLOPT_CAINFO, options.ca_file.c_str());
  // No CURLOPT_PROXY: libcurl then takes http_proxy, https_proxy and no_proxy from the
  // environment, as offices behind a proxy need.
  set_method(set, request, t);
  headers = header_list(request, t);
  set(CURLOPT_HTTPHEADER, headers.get());
  set_callbacks(set, request, options, t, progress);
  if (set.first_error() != CURLE_OK)
    return check_curl(set.first_error(), "curl_easy_setopt", request.url);
  return Ok{};
}

}  // namespace saluran::http
