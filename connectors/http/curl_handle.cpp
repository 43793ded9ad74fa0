#include "connectors/http/curl_handle.hpp"

#include <mutex>

#include "connectors/http/headers.hpp"

namespace saluran::http {

CurlPtr make_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CurlPtr c(curl_easy_init());
  if (c) {
    curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  }
  return c;
}

Status check_curl(CURLcode code, const char* call, const std::string& url) {
  if (code == CURLE_OK) return Ok{};
  ErrorCode ec = ErrorCode::kExternal;
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
      ec = ErrorCode::kIo;
      break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      ec = ErrorCode::kInvalidArgument;
      break;
    case CURLE_READ_ERROR:
    case CURLE_WRITE_ERROR:
      ec = ErrorCode::kIo;
      break;
    default:
      break;
  }
  return make_error(ec, curl_easy_strerror(code), redact_url(url), call);
}

CurlHeaders append_header(CurlHeaders list, const std::string& header) {
  curl_slist* raw = curl_slist_append(list.get(), header.c_str());
  if (raw == nullptr) return list;
  (void)list.release();
  return CurlHeaders(raw);
}

}  // namespace saluran::http
