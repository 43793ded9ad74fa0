// `saluran channels login` for YouTube: OAuth 2.0 for installed apps with a loopback redirect
// (https://developers.google.com/identity/protocols/oauth2/native-app), PKCE S256.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

#include "connectors/credentials.hpp"
#include "connectors/http/pkce.hpp"
#include "connectors/youtube.hpp"
#include "connectors/youtube_detail.hpp"

namespace saluran {
namespace {

using namespace youtube_detail;

constexpr const char* kScopes =
    "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube";

Error login_error(const ChannelConfig& ch, ErrorCode code, const std::string& text) {
  Error e = make_error(code, fmt::format("channel {}: {}", ch.name, text));
  e.context.channel = ch.name;
  return e;
}

// A listening socket on 127.0.0.1 with a free port; closed on destruction.
struct Loopback {
  int fd = -1;
  int port = 0;
  ~Loopback() {
    if (fd >= 0) ::close(fd);
  }
};

bool listen_loopback(Loopback& lb) {
  lb.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lb.fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(lb.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(lb.fd, 8) != 0 ||
      ::getsockname(lb.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return false;
  lb.port = ntohs(addr.sin_port);
  return true;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// The query parameters of a request line "GET /?code=...&state=... HTTP/1.1".
std::map<std::string, std::string> query_of(const std::string& head) {
  std::map<std::string, std::string> out;
  const std::size_t q = head.find('?');
  const std::size_t end = head.find(' ', head.find(' ') + 1);
  if (q == std::string::npos || end == std::string::npos || q > end) return out;
  std::size_t pos = q + 1;
  while (pos < end) {
    std::size_t amp = head.find('&', pos);
    if (amp == std::string::npos || amp > end) amp = end;
    const std::string pair = head.substr(pos, amp - pos);
    const std::size_t eq = pair.find('=');
    if (eq != std::string::npos) out[pair.substr(0, eq)] = unescape(pair.substr(eq + 1));
    pos = amp + 1;
  }
  return out;
}

// Waits for the browser's redirect; answers each request with a short page. Empty map: timeout.
std::map<std::string, std::string> wait_redirect(const Loopback& lb, std::chrono::seconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{lb.fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const int c = ::accept4(lb.fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    std::string head;
    char buf[4096];
    pollfd cp{c, POLLIN, 0};
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536 &&
           ::poll(&cp, 1, 5000) > 0) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      head.append(buf, static_cast<std::size_t>(n));
    }
    auto query = query_of(head.substr(0, head.find("\r\n")));
    const bool answer = query.count("code") || query.count("error");
    const std::string page = answer ? "Saluran: sign-in received. You can close this page.\n"
                                    : "Saluran is waiting for Google's sign-in.\n";
    const std::string res = fmt::format(
        "HTTP/1.1 {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n"
        "Connection: close\r\n\r\n{}",
        answer ? "200 OK" : "404 Not Found", page.size(), page);
    (void)::send(c, res.data(), res.size(), MSG_NOSIGNAL);
    ::close(c);
    if (answer) return query;
  }
  return {};
}

Status exchange_code(const ChannelConfig& ch, const std::string& secret, const http::Client& client,
                     const std::string& code, const std::string& verifier,
                     const std::string& redirect) {
  http::Request req{.method = "POST", .url = ch.token_url};
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.body = fmt::format(
      "grant_type=authorization_code&code={}&client_id={}&client_secret={}&redirect_uri={}&"
      "code_verifier={}",
      url_encode(code), url_encode(ch.client_id), url_encode(secret), url_encode(redirect),
      url_encode(verifier));
  req.accepted_statuses = {400, 401};
  Result<http::Response> r = client.send(req);
  if (!r) return login_error(ch, r.error().code, "could not reach Google: " + r.error().message);
  const json body = parse(r->body);
  const std::string refresh = str(body, "refresh_token");
  if (r->status >= 400 || refresh.empty())
    return login_error(
        ch, ErrorCode::kPermission,
        fmt::format("Google refused the sign-in ({}): check client_id and the "
                    "client secret, then sign in again",
                    str(body, "error").empty() ? "no refresh token" : str(body, "error")));
  return store_credential(ch.name, "refresh_token", refresh);
}

}  // namespace

Status youtube_login(const ChannelConfig& channel, const std::string& client_secret,
                     const http::Client& client, const YouTubeLoginOptions& options) {
  const ChannelConfig ch = with_platform_defaults(channel);
  Loopback lb;
  if (!listen_loopback(lb))
    return login_error(ch, ErrorCode::kIo, "cannot listen on 127.0.0.1 for Google's answer");
  const std::string redirect = fmt::format("http://127.0.0.1:{}", lb.port);
  const std::string verifier = http::random_url_token(32);
  const std::string state = http::random_url_token(16);
  const std::string url = fmt::format(
      "{}{}client_id={}&redirect_uri={}&response_type=code&scope={}&access_type=offline&"
      "prompt=consent&code_challenge={}&code_challenge_method=S256&state={}",
      ch.auth_url, ch.auth_url.find('?') == std::string::npos ? "?" : "&", url_encode(ch.client_id),
      url_encode(redirect), url_encode(kScopes), http::pkce_challenge(verifier), state);
  if (options.show_url) options.show_url(url);
  if (options.open_browser && (std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY"))) {
    // No shell: the address goes to xdg-open as one argument; its output is not wanted.
    pid_t pid = 0;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    std::string prog = "xdg-open";
    std::string arg = url;
    char* argv[] = {prog.data(), arg.data(), nullptr};
    if (posix_spawnp(&pid, "xdg-open", &actions, nullptr, argv, environ) == 0)
      std::thread([pid] { ::waitpid(pid, nullptr, 0); }).detach();
    posix_spawn_file_actions_destroy(&actions);
  }
  const auto answer = wait_redirect(lb, options.timeout);
  if (answer.empty())
    return login_error(ch, ErrorCode::kCancelled,
                       "no answer from the browser in time: run the login again and finish the "
                       "Google page within the time");
  if (answer.count("error"))
    return login_error(ch, ErrorCode::kPermission,
                       "the sign-in was not allowed (" + answer.at("error") +
                           "): run the login again and allow Saluran on the Google page");
  if (!answer.count("state") || answer.at("state") != state)
    return login_error(ch, ErrorCode::kPermission,
                       "the answer did not come from this sign-in (state differs): run it again");
  return exchange_code(ch, client_secret, client, answer.at("code"), verifier, redirect);
}

}  // namespace saluran
