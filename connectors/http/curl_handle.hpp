#pragma once
// RAII owners for libcurl handles and the one translation point from CURLcode to Error.

#include <curl/curl.h>

#include <memory>
#include <string>

#include "pipeline/model/error.hpp"

namespace saluran::http {

struct CurlEasyCleanup {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct CurlSlistFree {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
struct CurlMimeFree {
  void operator()(curl_mime* m) const noexcept { curl_mime_free(m); }
};

/// An easy handle.
using CurlPtr = std::unique_ptr<CURL, CurlEasyCleanup>;
/// A header list.
using CurlHeaders = std::unique_ptr<curl_slist, CurlSlistFree>;
/// A multipart body.
using CurlMime = std::unique_ptr<curl_mime, CurlMimeFree>;

/// A new easy handle restricted to HTTP and HTTPS (also on redirects), or null when out of memory.
CurlPtr make_curl();

/// Maps a CURLcode to an Error naming the call and the URL (never its credentials).
Status check_curl(CURLcode code, const char* call, const std::string& url = {});

/// Appends a header to a list, taking ownership of the list (null starts a new one).
CurlHeaders append_header(CurlHeaders list, const std::string& header);

}  // namespace saluran::http
