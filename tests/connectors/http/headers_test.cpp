#include "connectors/http/headers.hpp"

#include <gtest/gtest.h>

#include "connectors/http/client.hpp"
#include "connectors/http/retry.hpp"

namespace saluran::http {
namespace {

using std::chrono::milliseconds;

TEST(HttpHeaders, LookupIgnoresCase) {
  Headers h;
  h.add("Content-Type", "image/jpeg");
  h.add("Set-Cookie", "a=1");
  h.add("set-cookie", "b=2");
  EXPECT_EQ(h.get("content-type"), "image/jpeg");
  EXPECT_EQ(h.get("CONTENT-TYPE"), "image/jpeg");
  EXPECT_EQ(h.get_all("SET-COOKIE").size(), 2u);
  h.set("content-type", "image/png");
  EXPECT_EQ(h.get_all("Content-Type").size(), 1u);
  EXPECT_EQ(h.get("Content-Type"), "image/png");
  h.remove("SET-cookie");
  EXPECT_FALSE(h.has("Set-Cookie"));
  EXPECT_FALSE(h.get("Missing").has_value());
}

TEST(HttpHeaders, SecretsAreRedacted) {
  EXPECT_EQ(redact_header_line("Authorization: Basic dXNlcjpwdw=="), "Authorization: <redacted>");
  EXPECT_EQ(redact_header_line("proxy-authorization: Basic eA=="),
            "proxy-authorization: <redacted>");
  EXPECT_EQ(redact_header_line("Cookie: wp=1"), "Cookie: <redacted>");
  EXPECT_EQ(redact_header_line("Set-Cookie: wp=1; HttpOnly\r\n"), "Set-Cookie: <redacted>");
  EXPECT_EQ(redact_header_line("X-Api-Key: k"), "X-Api-Key: <redacted>");
  EXPECT_EQ(redact_header_line("X-Upload-Token: t"), "X-Upload-Token: <redacted>");
  EXPECT_EQ(redact_header_line("Content-Type: image/jpeg"), "Content-Type: image/jpeg");
  EXPECT_EQ(redact_header_line("HTTP/1.1 200 OK"), "HTTP/1.1 200 OK");
}

TEST(HttpHeaders, UrlsLoseTheirCredentials) {
  EXPECT_EQ(redact_url("https://admin:s3cret@example.org/wp-json/"),
            "https://example.org/wp-json/");
  EXPECT_EQ(redact_url("http://source:pw@127.0.0.1:8000/radio.mp3"),
            "http://127.0.0.1:8000/radio.mp3");
  EXPECT_EQ(redact_url("https://graph.example/me?fields=id&access_token=EAAB&x=1#f"),
            "https://graph.example/me?fields=id&access_token=<redacted>&x=1#f");
  EXPECT_EQ(redact_url("https://example.org/a@b"), "https://example.org/a@b");
  EXPECT_EQ(redact_url("/path?api_key=1"), "/path?api_key=<redacted>");
}

TEST(HttpAuth, BasicAndBearer) {
  // RFC 7617's example.
  EXPECT_EQ(basic_auth("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(basic_auth("a", "b"), "Basic YTpi");
  EXPECT_EQ(basic_auth("ab", "c"), "Basic YWI6Yw==");
  EXPECT_EQ(bearer_auth("tok"), "Bearer tok");
}

TEST(HttpRetry, StatusesWorthRetrying) {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) EXPECT_TRUE(retryable_status(s)) << s;
  for (long s : {200L, 400L, 401L, 403L, 404L, 409L, 413L, 415L})
    EXPECT_FALSE(retryable_status(s)) << s;
}

TEST(HttpRetry, FullJitterStaysUnderTheExponentialCeiling) {
  RetryPolicy p;
  p.initial_delay = milliseconds(100);
  p.max_delay = milliseconds(1000);
  p.random = [] { return 0.999999; };
  EXPECT_EQ(backoff_delay(p, 0), milliseconds(99));
  EXPECT_EQ(backoff_delay(p, 2), milliseconds(399));
  EXPECT_EQ(backoff_delay(p, 10), milliseconds(999));
  EXPECT_EQ(backoff_delay(p, 1000), milliseconds(999));
  p.random = [] { return 0.0; };
  EXPECT_EQ(backoff_delay(p, 3), milliseconds(0));
  p = with_defaults(RetryPolicy{});
  for (int i = 0; i < 100; ++i) {
    const milliseconds d = backoff_delay(p, 3);
    EXPECT_GE(d.count(), 0);
    EXPECT_LE(d, p.initial_delay * 8);
  }
}

TEST(HttpRetry, RetryAfterSecondsAndDates) {
  const auto now = std::chrono::system_clock::from_time_t(1'445'412'480);  // 2015-10-21 07:28:00
  const milliseconds cap(120'000);
  EXPECT_EQ(parse_retry_after("7", now, cap), milliseconds(7000));
  EXPECT_EQ(parse_retry_after(" 0 ", now, cap), milliseconds(0));
  EXPECT_EQ(parse_retry_after("86400", now, cap), cap);
  EXPECT_EQ(parse_retry_after("99999999999999", now, cap), cap);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now, cap), milliseconds(30'000));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now, cap), milliseconds(0));
  EXPECT_EQ(parse_retry_after("Thu, 22 Oct 2015 07:28:00 GMT", now, cap), cap);
  EXPECT_FALSE(parse_retry_after("soon", now, cap).has_value());
  EXPECT_FALSE(parse_retry_after("", now, cap).has_value());
  EXPECT_FALSE(parse_retry_after("-5", now, cap).has_value());
}

TEST(HttpErrors, StatusErrorNamesUrlStatusAndBody) {
  const Error e =
      status_error("POST", "https://admin:pw@example.org/wp-json/wp/v2/media", 401,
                   R"({"code":"rest_not_logged_in","message":"You are not logged in."})");
  EXPECT_EQ(e.code, ErrorCode::kPermission);
  const std::string line = e.to_string();
  EXPECT_NE(line.find("https://example.org/wp-json/wp/v2/media"), std::string::npos) << line;
  EXPECT_EQ(line.find("pw@"), std::string::npos) << line;
  EXPECT_NE(line.find("HTTP 401"), std::string::npos) << line;
  EXPECT_NE(line.find("rest_not_logged_in"), std::string::npos) << line;
  EXPECT_EQ(status_error("GET", "http://h/x", 404, "").code, ErrorCode::kNotFound);
  EXPECT_EQ(status_error("GET", "http://h/x", 503, "").code, ErrorCode::kExternal);
  const Error html =
      status_error("GET", "http://h/x", 502,
                   "<!DOCTYPE html><html><head><title>Proxy Error</title></head>"
                   "<body><p>The proxy could not reach the server.</p></body></html>");
  EXPECT_NE(html.message.find("Proxy Error The proxy could not reach the server."),
            std::string::npos)
      << html.message;
  const Error longer = status_error("GET", "http://h/x", 500, std::string(5000, 'a'));
  EXPECT_LT(longer.message.size(), 300u);
}

}  // namespace
}  // namespace saluran::http
