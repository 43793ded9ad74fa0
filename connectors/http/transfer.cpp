#include "connectors/http/transfer.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace saluran::http {
namespace {

ErrorCode errno_code(int err) {
  if (err == ENOENT || err == ENOTDIR) return ErrorCode::kNotFound;
  if (err == EACCES || err == EPERM) return ErrorCode::kPermission;
  return ErrorCode::kIo;
}

std::string_view reason_phrase(long status) {
  switch (status) {
    case 400:
      return " Bad Request";
    case 401:
      return " Unauthorized";
    case 403:
      return " Forbidden";
    case 404:
      return " Not Found";
    case 408:
      return " Request Timeout";
    case 409:
      return " Conflict";
    case 410:
      return " Gone";
    case 413:
      return " Content Too Large";
    case 415:
      return " Unsupported Media Type";
    case 429:
      return " Too Many Requests";
    case 500:
      return " Internal Server Error";
    case 502:
      return " Bad Gateway";
    case 503:
      return " Service Unavailable";
    case 504:
      return " Gateway Timeout";
    default:
      return "";
  }
}

// "GET /path?access_token=x HTTP/1.1" with the target's secret parameters redacted.
std::string redact_request_line(std::string_view line) {
  const std::size_t first = line.find(' ');
  const std::size_t last = line.rfind(' ');
  if (first == std::string_view::npos || last <= first) return redact_header_line(line);
  return std::string(line.substr(0, first + 1)) +
         redact_url(line.substr(first + 1, last - first - 1)) + std::string(line.substr(last));
}

// Emits each line of a block of header lines ("a\r\nb\r\n") to the log, redacted.
void log_lines(const LogFn& log, std::string_view prefix, std::string_view block) {
  bool first = true;
  while (!block.empty()) {
    std::size_t end = block.find('\n');
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    block.remove_prefix(std::min(end + 1, block.size()));
    if (line.empty()) continue;
    std::string shown =
        first && prefix == "> " ? redact_request_line(line) : redact_header_line(line);
    log(std::string(prefix) + shown);
    first = false;
  }
}

}  // namespace

Transfer::Transfer(const Request& request, const LogFn& log, const ProgressFn& progress)
    : request_(request), log_(log), progress_(progress) {}

Transfer::~Transfer() {
  if (out_file_) {
    out_file_.reset();
    std::error_code ec;
    std::filesystem::remove(out_part_, ec);
  }
}

Status Transfer::open() {
  if (const auto* text = std::get_if<std::string>(&request_.body)) {
    has_body_ = true;
    body_size_ = text->size();
  } else if (const auto* file = std::get_if<FileBody>(&request_.body)) {
    has_body_ = true;
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(file->path, ec);
    if (ec)
      return make_error(errno_code(ec.value()), "cannot read the file to send: " + ec.message(),
                        file->path.string());
    if (file->offset > size || (file->length && *file->length > size - file->offset)) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("byte range {}+{} lies outside the file of {} bytes",
                                    file->offset, file->length.value_or(0), size),
                        file->path.string());
    }
    body_size_ = file->length.value_or(size - file->offset);
    body_file_.reset(std::fopen(file->path.c_str(), "rb"));
    if (!body_file_ || fseeko(body_file_.get(), static_cast<off_t>(file->offset), SEEK_SET) != 0) {
      return make_error(errno_code(errno),
                        std::string("cannot read the file to send: ") + std::strerror(errno),
                        file->path.string());
    }
  }
  if (request_.response_file) {
    out_part_ = *request_.response_file;
    out_part_ += ".part";
    out_file_.reset(std::fopen(out_part_.c_str(), "wb"));
    if (!out_file_) {
      return make_error(errno_code(errno),
                        std::string("cannot write the download: ") + std::strerror(errno),
                        out_part_.string());
    }
  }
  return Ok{};
}

size_t Transfer::on_read(char* buf, size_t size, size_t n, void* self) {
  auto* t = static_cast<Transfer*>(self);
  std::uint64_t want = std::min<std::uint64_t>(size * n, t->body_size_ - t->body_pos_);
  if (want == 0) return 0;
  // libcurl paces by pausing between reads; a whole buffer (64 KiB, seconds of a radio stream)
  // per read would go out in bursts and the last one early. An eighth of a second per read
  // keeps a paced upload close to real time.
  if (const std::uint64_t rate = t->request_.max_send_bytes_per_second; rate > 0) {
    want = std::min<std::uint64_t>(want, std::max<std::uint64_t>(rate / 8, 1024));
  }
  if (const auto* text = std::get_if<std::string>(&t->request_.body)) {
    std::memcpy(buf, text->data() + t->body_pos_, want);
    t->body_pos_ += want;
    return want;
  }
  const size_t got = std::fread(buf, 1, want, t->body_file_.get());
  if (got == 0) {
    t->local_error_ = "the file to send could not be read to its end (changed or unreadable)";
    return CURL_READFUNC_ABORT;
  }
  t->body_pos_ += got;
  return got;
}

int Transfer::on_seek(void* self, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(self);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::uint64_t>(offset) > t->body_size_) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  if (const auto* file = std::get_if<FileBody>(&t->request_.body)) {
    if (fseeko(t->body_file_.get(), static_cast<off_t>(file->offset + offset), SEEK_SET) != 0) {
      return CURL_SEEKFUNC_FAIL;
    }
  }
  t->body_pos_ = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t Transfer::on_write(char* data, size_t size, size_t n, void* self) {
  auto* t = static_cast<Transfer*>(self);
  size_t len = size * n;
  const std::uint64_t stop = t->request_.stop_after_bytes;
  if (stop > 0 && t->received_ + len >= stop) {
    // Keep the bytes up to the limit, then end the transfer (libcurl sees a short write).
    len = static_cast<size_t>(stop - t->received_);
    t->ended_early_ = true;
  }
  if (t->out_file_) {
    if (std::fwrite(data, 1, len, t->out_file_.get()) != len) {
      t->local_error_ = std::string("cannot write the download: ") + std::strerror(errno);
      return 0;
    }
  } else {
    if (t->received_ + len > t->request_.max_response_bytes) {
      t->cap_exceeded_ = true;
      return 0;
    }
    t->body_.append(data, len);
  }
  t->received_ += len;
  return t->ended_early_ ? 0 : len;
}

size_t Transfer::on_header(char* data, size_t size, size_t n, void* self) {
  auto* t = static_cast<Transfer*>(self);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    t->headers_.clear();  // a new response: after a redirect or 100 Continue
    if (const std::size_t space = line.find(' '); space != std::string_view::npos) {
      t->status_seen_ = std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
    }
  } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    t->headers_.add(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * n;
}

int Transfer::on_progress(void* self, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                          curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(self);
  if (t->progress_) {
    t->progress_({static_cast<std::uint64_t>(ulnow), static_cast<std::uint64_t>(ultotal),
                  static_cast<std::uint64_t>(dlnow), static_cast<std::uint64_t>(dltotal)});
  }
  // A live source is done when everything is sent and accepted; the server never ends its
  // answer by itself, so the transfer is ended here (libcurl sees a callback abort).
  if (t->request_.done_when_sent && t->has_body_ &&
      static_cast<std::uint64_t>(ulnow) >= t->body_size_ && t->status_seen_ >= 200 &&
      t->status_seen_ < 300) {
    t->ended_early_ = true;
    return 1;
  }
  if (t->request_.status_within.count() > 0 && t->status_seen_ < 200 &&
      std::chrono::steady_clock::now() - t->start_ > t->request_.status_within) {
    t->no_status_ = true;
    return 1;
  }
  return 0;
}

int Transfer::on_debug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
  auto* t = static_cast<Transfer*>(self);
  if (!t->log_) return 0;
  if (type == CURLINFO_HEADER_OUT) log_lines(t->log_, "> ", std::string_view(data, size));
  if (type == CURLINFO_HEADER_IN) log_lines(t->log_, "< ", std::string_view(data, size));
  return 0;
}

Result<Response> Transfer::finish(CURL* curl) {
  Response r;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  char* final_url = nullptr;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &final_url);
  if (final_url != nullptr) r.final_url = final_url;
  curl_off_t sent = 0;
  curl_easy_getinfo(curl, CURLINFO_SIZE_UPLOAD_T, &sent);
  r.bytes_sent = static_cast<std::uint64_t>(sent);
  r.bytes_received = received_;
  r.headers = std::move(headers_);
  r.body = std::move(body_);
  if (out_file_) {
    const bool flushed = std::fflush(out_file_.get()) == 0 && fsync(fileno(out_file_.get())) == 0;
    const int err = errno;
    out_file_.reset();
    std::error_code ec;
    if (!flushed) {
      std::filesystem::remove(out_part_, ec);
      return make_error(errno_code(err),
                        std::string("cannot write the download: ") + std::strerror(err),
                        out_part_.string());
    }
    std::filesystem::rename(out_part_, *request_.response_file, ec);
    if (ec)
      return make_error(errno_code(ec.value()), "cannot write the download: " + ec.message(),
                        request_.response_file->string());
  }
  return r;
}

Error Transfer::transport_error(CURLcode code, const Request& request) const {
  const std::string url = redact_url(request.url);
  if (cap_exceeded_) {
    return make_error(ErrorCode::kLimitExceeded,
                      fmt::format("{} answer is larger than the {} bytes allowed in memory",
                                  request.method, request.max_response_bytes),
                      url, "response size");
  }
  if (no_status_) {
    return make_error(ErrorCode::kIo,
                      fmt::format("{} failed: the server sent no answer within {:.0f} s (it took "
                                  "the connection, then stopped answering)",
                                  request.method, request.status_within.count() / 1000.0),
                      url);
  }
  if (!local_error_.empty()) {
    const std::string file = std::holds_alternative<FileBody>(request.body)
                                 ? std::get<FileBody>(request.body).path.string()
                                 : url;
    return make_error(ErrorCode::kIo, local_error_, file, request.method + " " + url);
  }
  Status s = check_curl(code, "curl_easy_perform", request.url);
  Error e = s.error();
  const std::string what = errbuf_[0] != '\0' ? std::string(errbuf_) : e.message;
  e.message = fmt::format("{} failed: {}", request.method, what);
  if (code == CURLE_OPERATION_TIMEDOUT) e.message += " (the server stopped answering)";
  if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE) {
    e.message += " (the server's TLS certificate could not be verified)";
  }
  return e;
}

Error status_error(const std::string& method, const std::string& url, long status,
                   std::string_view body) {
  ErrorCode code = ErrorCode::kExternal;
  if (status == 401 || status == 403) code = ErrorCode::kPermission;
  if (status == 404 || status == 410) code = ErrorCode::kNotFound;
  const std::string excerpt = body_excerpt(body);
  std::string message = fmt::format("{} answered HTTP {}{}", method, status, reason_phrase(status));
  if (!excerpt.empty()) message += ": " + excerpt;
  return make_error(code, std::move(message), redact_url(url), fmt::format("HTTP {}", status));
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (left > 1) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (left > 2) v |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += left > 1 ? kAlphabet[(v >> 6) & 63] : '=';
    out += left > 2 ? kAlphabet[v & 63] : '=';
  }
  return out;
}

std::string body_excerpt(std::string_view body) {
  constexpr std::size_t kMax = 200;
  const std::size_t lead = body.find_first_not_of(" \t\r\n");
  const bool html = lead != std::string_view::npos && body[lead] == '<';
  std::string out;
  bool in_tag = false;
  for (char c : body) {
    if (out.size() >= kMax) break;
    if (html && c == '<') in_tag = true;
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        if (!out.empty() && out.back() != ' ') out += ' ';  // "<p>a</p><p>b" reads "a b"
      }
      continue;
    }
    const bool space = static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  // Never end inside a UTF-8 sequence.
  std::size_t cut = out.size();
  while (cut > 0 && (static_cast<unsigned char>(out[cut - 1]) & 0xC0) == 0x80) --cut;
  if (cut > 0 && static_cast<unsigned char>(out[cut - 1]) >= 0xC0) {
    const unsigned char lead_byte = static_cast<unsigned char>(out[cut - 1]);
    const std::size_t need = lead_byte >= 0xF0 ? 4 : lead_byte >= 0xE0 ? 3 : 2;
    if (out.size() - (cut - 1) < need) out.resize(cut - 1);
  }
  if (body.size() > out.size() && out.size() >= kMax - 4) out += "...";
  return out;
}

}  // namespace saluran::http
