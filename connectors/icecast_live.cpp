#include "connectors/icecast_live.hpp"

#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "codecs/audio/loudness_meter.hpp"
#include "connectors/http/form.hpp"

namespace saluran {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The path of a URL ("http://h:1/a.mp3" -> "/a.mp3").
std::string url_path(const std::string& url) {
  const std::size_t scheme = url.find("://");
  const std::size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? std::string("/") : url.substr(slash);
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Waits until status-json.xsl lists the mount, or the push ends.
void wait_listed(const http::Client& client, const LiveTarget& target,
                 const std::atomic<bool>& done, Clock::time_point start, LiveReport& report) {
  std::string last_problem;
  while (!done) {
    Result<LiveSources> sources = live_sources(client, target.base);
    if (sources) {
      if (std::optional<nlohmann::json> s = find_source(*sources, target.mount)) {
        report.listed = true;
        report.listed_after_s = seconds_since(start);
        report.server_type = s->value("server_type", "");
        return;
      }
      last_problem.clear();
    } else {
      last_problem = sources.error().message;
    }
    std::this_thread::sleep_for(200ms);
  }
  report.problems.push_back(last_problem.empty()
                                ? "status-json.xsl never listed the mount while the clip was pushed"
                                : "status-json.xsl could not be read while the clip was pushed: " +
                                      last_problem);
}

void set_title(const http::Client& client, const LiveTarget& target, LiveReport& report) {
  // charset=UTF-8: Icecast takes MP3 titles as Latin-1 otherwise and garbles "é".
  http::Request r{.url = fmt::format(
                      "{}/admin/metadata?mount={}&mode=updinfo&charset=UTF-8&song={}", target.base,
                      http::url_encode(target.mount), http::url_encode(target.title))};
  r.headers.set("Authorization", http::basic_auth(target.user, target.password));
  Result<http::Response> answer = client.send(r);
  if (!answer) {
    report.problems.push_back("the title could not be set: " + answer.error().message);
  } else if (answer->body.find("<return>1</return>") == std::string::npos) {
    report.problems.push_back("the title could not be set: Icecast answered \"" +
                              answer->body.substr(0, 200) + "\"");
  } else {
    report.title_set = true;
  }
}

// A temporary file name for the sample; the download writes NAME.part, then renames.
std::filesystem::path temp_sample_path() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "saluran-icecast-XXXXXX").string();
  const int fd = ::mkstemp(pattern.data());
  if (fd >= 0) ::close(fd);
  return pattern;
}

// Reads some seconds of the mount as a listener, then decodes and measures them.
void listen(const http::Client& client, const LiveTarget& target, const IcecastOptions& options,
            LiveReport& report) {
  http::ClientOptions o = client.options();
  o.timeouts.total = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::duration<double>(options.listen_seconds) + options.answer_timeout);
  const http::Client listener(o);
  const std::filesystem::path sample = temp_sample_path();
  http::Request r{.url = target.base + target.mount, .response_file = sample};
  r.stop_after_bytes =
      static_cast<std::uint64_t>(std::ceil(target.bytes_per_second * options.listen_seconds));
  Result<http::Response> got = listener.send(r);
  if (!got) {
    report.problems.push_back("the mount could not be read as a listener: " + got.error().message);
  } else {
    Result<SoundMeasurement> sound = measure_file_sound(sample.string());
    if (sound) {
      report.heard_seconds = sound->seconds;
      report.heard_lufs = sound->loudness.integrated_lufs;
    } else {
      report.problems.push_back(fmt::format("the {} bytes read from the mount did not decode: {}",
                                            got->bytes_received, sound.error().message));
    }
  }
  std::error_code ec;
  std::filesystem::remove(sample, ec);
}

// Reads the title back, for a few seconds at most: Icecast shows it once the next block of the
// stream has passed.
void read_title(const http::Client& client, const LiveTarget& target, const std::atomic<bool>& done,
                LiveReport& report) {
  const auto until = Clock::now() + 3s;
  do {
    Result<LiveSources> sources = live_sources(client, target.base);
    if (sources) {
      if (std::optional<nlohmann::json> s = find_source(*sources, target.mount)) {
        report.title_seen = decode_entities(s->value("title", ""));
        if (report.title_seen == target.title) return;
      }
    }
    std::this_thread::sleep_for(200ms);
  } while (!done && Clock::now() < until);
}

}  // namespace

LiveReport watch_live(const http::Client& client, const LiveTarget& target,
                      const IcecastOptions& options, const std::atomic<bool>& done) {
  LiveReport report;
  report.title_sent = target.title;
  const auto start = Clock::now();
  wait_listed(client, target, done, start, report);
  if (!report.listed) return report;
  if (!target.title.empty()) {
    set_title(client, target, report);
    if (report.title_set) read_title(client, target, done, report);
  }
  listen(client, target, options, report);
  return report;
}

Result<LiveSources> live_sources(const http::Client& client, const std::string& base) {
  Result<http::Response> r = client.send({.url = base + "/status-json.xsl"});
  if (!r) return r.error();
  const nlohmann::json json = nlohmann::json::parse(r->body, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("icestats")) {
    return make_error(ErrorCode::kExternal,
                      "status-json.xsl did not answer Icecast's JSON (is this Icecast 2.4 or "
                      "later?)",
                      base + "/status-json.xsl");
  }
  const nlohmann::json& stats = json["icestats"];
  if (!stats.is_object() || !stats.contains("source")) return LiveSources{};
  if (stats["source"].is_array()) return stats["source"].get<LiveSources>();
  return LiveSources{stats["source"]};
}

std::optional<nlohmann::json> find_source(const LiveSources& sources, const std::string& mount) {
  for (const nlohmann::json& s : sources) {
    if (s.is_object() && s.contains("listenurl") && s["listenurl"].is_string() &&
        url_path(s["listenurl"].get<std::string>()) == mount) {
      return s;
    }
  }
  return std::nullopt;
}

std::string decode_entities(std::string_view text) {
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t semi = text.find(';', i);
    if (text[i] == '&' && semi != std::string_view::npos && semi - i <= 10) {
      const std::string_view ref = text.substr(i, semi - i + 1);
      if (ref.size() > 3 && ref[1] == '#') {
        const bool hex = ref[2] == 'x' || ref[2] == 'X';
        const std::string digits(ref.substr(hex ? 3 : 2, ref.size() - (hex ? 4 : 3)));
        char* end = nullptr;
        const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
        if (!digits.empty() && end != nullptr && *end == '\0' && cp > 0 && cp <= 0x10FFFF) {
          append_utf8(out, cp);
          i = semi + 1;
          continue;
        }
      }
      const auto named = std::find_if(std::begin(kNamed), std::end(kNamed),
                                      [&](const auto& n) { return n.first == ref; });
      if (named != std::end(kNamed)) {
        out += named->second;
        i = semi + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

nlohmann::json to_json(const LiveReport& r) {
  nlohmann::json j = {{"listed", r.listed},
                      {"listed_after_s", r.listed_after_s},
                      {"server_type", r.server_type},
                      {"title_sent", r.title_sent},
                      {"title_set", r.title_set},
                      {"title_seen", r.title_seen},
                      {"heard_seconds", r.heard_seconds},
                      {"problems", r.problems},
                      {"pushed_seconds", r.pushed_seconds},
                      {"clip_seconds", r.clip_seconds}};
  if (r.heard_lufs) j["heard_lufs"] = *r.heard_lufs;
  return j;
}

LiveReport live_report_from_json(const std::string& text) {
  LiveReport r;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    r.problems.push_back("no record of the check made while the clip played");
    return r;
  }
  r.listed = j.value("listed", false);
  r.listed_after_s = j.value("listed_after_s", 0.0);
  r.server_type = j.value("server_type", "");
  r.title_sent = j.value("title_sent", "");
  r.title_set = j.value("title_set", false);
  r.title_seen = j.value("title_seen", "");
  r.heard_seconds = j.value("heard_seconds", 0.0);
  if (j.contains("heard_lufs") && j["heard_lufs"].is_number()) {
    r.heard_lufs = j["heard_lufs"].get<double>();
  }
  if (j.contains("problems") && j["problems"].is_array()) {
    for (const auto& p : j["problems"]) {
      if (p.is_string()) r.problems.push_back(p.get<std::string>());
    }
  }
  r.pushed_seconds = j.value("pushed_seconds", 0.0);
  r.clip_seconds = j.value("clip_seconds", 0.0);
  return r;
}

std::vector<Finding> live_findings(const LiveReport& r, const std::string& title,
                                   const IcecastOptions& options) {
  std::vector<Finding> out;
  std::string why;
  for (const std::string& p : r.problems) why += (why.empty() ? "" : "; ") + p;
  if (!r.listed) {
    out.push_back({"mount listed", "the mount listed by status-json.xsl while the clip played",
                   why.empty() ? "never listed" : why});
    return out;
  }
  if (!title.empty() && r.title_seen != title) {
    out.push_back({"title", title, r.title_seen.empty() ? "no title" : r.title_seen});
  }
  const double want = std::min(1.0, 0.5 * std::min(options.listen_seconds, r.clip_seconds));
  if (r.heard_seconds < want) {
    out.push_back({"sound heard", fmt::format("at least {:.1f} s of sound read back", want),
                   fmt::format("{:.1f} s{}", r.heard_seconds, why.empty() ? "" : ": " + why)});
  } else if (!r.heard_lufs || *r.heard_lufs < options.silence_floor_lufs) {
    out.push_back({"sound heard",
                   fmt::format("sound louder than {:.0f} LUFS", options.silence_floor_lufs),
                   fmt::format("silence ({:.1f} LUFS over {:.1f} s)", r.heard_lufs.value_or(-70.0),
                               r.heard_seconds)});
  }
  return out;
}

}  // namespace saluran
