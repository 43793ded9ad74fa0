// parse_story: story.toml to a validated Story, every error with the file, the line and the key.

#include "pipeline/stages/story_parse.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "codecs/file_bytes.hpp"
#include "pipeline/catalog/dates.hpp"
#include "pipeline/catalog/inventory_query.hpp"
#include "pipeline/model/enum_names.hpp"
#include "pipeline/presets/toml_words.hpp"

namespace saluran {
namespace {

constexpr std::string_view kTopKeys[] = {"slug",     "title",    "summary", "body",    "tags",
                                         "category", "place",    "date",    "credits", "status",
                                         "schedule", "channels", "media",   "channel"};
constexpr std::string_view kMediaKeys[] = {"path",  "asset", "query", "role",
                                           "focus", "trim",  "alt",   "caption"};
constexpr std::string_view kQueryKeys[] = {"kind", "day", "device", "near", "within_km"};
constexpr std::string_view kOverrideKeys[] = {"title", "caption", "hashtags", "media"};
constexpr std::string_view kQueryKinds[] = {"photo", "video", "audio"};

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) out += fmt::format("{}{}", out.empty() ? "" : ", ", n);
  return out;
}

// Levenshtein distance, to suggest the key a typo meant.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// Typed access to the document that keeps the first error, located at a node's line.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  bool failed() const { return error_.has_value(); }
  Error error() const { return *error_; }

  void fail_at(int line, std::string message) {
    if (error_) return;
    error_ = make_error(ErrorCode::kInvalidArgument, std::move(message), file_,
                        line > 0 ? fmt::format("line {}", line) : std::string());
  }
  void fail(const toml::node* at, std::string message) {
    fail_at(at != nullptr ? static_cast<int>(at->source().begin.line) : 0, std::move(message));
  }

  /// Fails on the first key of `t` not in `allowed`; `path` prefixes keys ("media.").
  void only_keys(const toml::table& t, std::string_view path,
                 std::span<const std::string_view> allowed) {
    for (const auto& [key, node] : t) {
      const std::string_view k = key.str();
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      std::string hint;
      std::size_t best = 3;
      for (std::string_view a : allowed) {
        if (const std::size_t d = edit_distance(k, a); d < best) {
          best = d;
          hint = fmt::format(" (did you mean {}{}?)", path, a);
        }
      }
      fail_at(static_cast<int>(key.source().begin.line),
              fmt::format("unknown key {}{}{}; allowed: {}", path, k, hint, join(allowed)));
      return;
    }
  }

  const toml::node* get(const toml::table& t, std::string_view key) const {
    return failed() ? nullptr : t.get(key);
  }

  void text(const toml::table& t, std::string_view path, std::string_view key, std::string& out) {
    const toml::node* n = get(t, key);
    if (n == nullptr) return;
    if (const auto* s = n->as_string()) {
      out = s->get();
    } else {
      fail(n,
           fmt::format("{}{} must be a string (in quotes), not {}", path, key, toml_type_name(*n)));
    }
  }

  void optional_text(const toml::table& t, std::string_view path, std::string_view key,
                     std::optional<std::string>& out) {
    if (get(t, key) == nullptr) return;
    std::string v;
    text(t, path, key, v);
    if (!failed()) out = std::move(v);
  }

  void texts(const toml::table& t, std::string_view path, std::string_view key,
             std::vector<std::string>& out) {
    const toml::node* n = get(t, key);
    if (n == nullptr) return;
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      fail(n, fmt::format("{}{} must be a list of strings, e.g. [\"a\", \"b\"], not {}", path, key,
                          toml_type_name(*n)));
      return;
    }
    for (const toml::node& item : *a) {
      const auto* s = item.as_string();
      if (s == nullptr) {
        fail(&item,
             fmt::format("{}{} must hold strings only, not {}", path, key, toml_type_name(item)));
        return;
      }
      out.push_back(s->get());
    }
  }

  /// A list of exactly two numbers, or nullopt (absent or failed).
  std::optional<std::pair<double, double>> pair(const toml::table& t, std::string_view path,
                                                std::string_view key) {
    const toml::node* n = get(t, key);
    if (n == nullptr) return std::nullopt;
    const toml::array* a = n->as_array();
    std::vector<double> v;
    for (std::size_t i = 0; a != nullptr && i < a->size(); ++i) {
      if (auto d = (*a)[i].value<double>()) v.push_back(*d);
    }
    if (a == nullptr || a->size() != 2 || v.size() != 2 || !std::isfinite(v[0]) ||
        !std::isfinite(v[1])) {
      fail(n, fmt::format("{}{} must be a list of two numbers, e.g. [0.4, 0.3]", path, key));
      return std::nullopt;
    }
    return std::pair{v[0], v[1]};
  }

 private:
  std::string file_;
  std::optional<Error> error_;
};

int line_of(const toml::node* n) {
  return n != nullptr ? static_cast<int>(n->source().begin.line) : 0;
}

// "2025-03-15T08:00:00+07:00" or "...Z": a date, a time and an offset.
bool is_zoned_time(std::string_view s) {
  auto digits = [&](std::size_t at, std::size_t n) {
    if (at + n > s.size()) return false;
    for (std::size_t i = at; i < at + n; ++i)
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
  };
  if (s.size() < 17 || !is_calendar_date(s.substr(0, 10)) || (s[10] != 'T' && s[10] != ' '))
    return false;
  if (!digits(11, 2) || s[13] != ':' || !digits(14, 2)) return false;
  std::size_t at = 16;
  if (at < s.size() && s[at] == ':') {
    if (!digits(at + 1, 2)) return false;
    at += 3;
    if (at < s.size() && s[at] == '.') {
      ++at;
      while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at]))) ++at;
    }
  }
  const std::string_view zone = s.substr(at);
  if (zone == "Z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(at + 1, 2) &&
         zone[3] == ':' && digits(at + 4, 2);
}

void read_date(Reader& r, const toml::table& t, Story& s) {
  const toml::node* n = r.get(t, "date");
  if (n == nullptr) return;
  if (const auto* d = n->as_date()) {
    const toml::date v = d->get();
    s.date = fmt::format("{:04}-{:02}-{:02}", v.year, v.month, v.day);
  } else {
    r.text(t, "", "date", s.date);
  }
  if (!r.failed() && !is_calendar_date(s.date))
    r.fail(n, fmt::format("date = \"{}\" is not a date: write it as YYYY-MM-DD, e.g. 2025-03-14",
                          s.date));
}

void read_schedule(Reader& r, const toml::table& t, Story& s) {
  const toml::node* n = r.get(t, "schedule");
  if (n == nullptr) return;
  if (const auto* dt = n->as_date_time()) {
    std::ostringstream os;
    os << *dt;
    s.schedule = os.str();
    if (!dt->get().offset) s.schedule.clear();
  } else {
    r.text(t, "", "schedule", s.schedule);
  }
  if (r.failed()) return;
  if (!is_zoned_time(s.schedule)) {
    r.fail(n,
           "schedule must be a date and time with its offset from UTC, e.g. "
           "\"2025-03-15T08:00:00+07:00\" (WIB) or \"...Z\" (UTC)");
  }
}

void read_status(Reader& r, const toml::table& t, Story& s) {
  const toml::node* n = r.get(t, "status");
  std::string status;
  r.text(t, "", "status", status);
  if (r.failed()) return;
  if (n != nullptr) {
    auto st = parse_post_status(status);
    if (!st) {
      r.fail(n, fmt::format("status = \"{}\" is not allowed (allowed: publish, draft, scheduled)",
                            status));
      return;
    }
    s.status = *st;
  }
  read_schedule(r, t, s);
  if (r.failed()) return;
  if (!s.schedule.empty() && n == nullptr) s.status = PostStatus::kScheduled;
  if (s.status == PostStatus::kScheduled && s.schedule.empty())
    r.fail(n, "status = \"scheduled\" needs schedule = \"YYYY-MM-DDTHH:MM:SS+07:00\"");
  else if (s.status != PostStatus::kScheduled && !s.schedule.empty())
    r.fail(r.get(t, "schedule"), fmt::format("schedule is set but status is \"{}\": remove one",
                                             post_status_name(s.status)));
}

void read_query(Reader& r, const toml::node& n, std::string_view path, StoryMedia& m) {
  const toml::table* q = n.as_table();
  if (q == nullptr) {
    r.fail(&n, fmt::format("{}query must be a table, e.g. {{ kind = \"photo\", day = "
                           "\"2025-03-14\" }}, not {}",
                           path, toml_type_name(n)));
    return;
  }
  const std::string qp = fmt::format("{}query.", path);
  r.only_keys(*q, qp, kQueryKeys);
  MediaQuery mq;
  r.text(*q, qp, "kind", mq.kind);
  r.text(*q, qp, "day", mq.day);
  r.text(*q, qp, "device", mq.device);
  r.text(*q, qp, "near", mq.near);
  if (const toml::node* w = r.get(*q, "within_km")) {
    mq.within_km = w->value<double>().value_or(-1);
    if (!w->is_number() || !(mq.within_km > 0)) r.fail(w, qp + "within_km must be a number > 0");
  }
  if (r.failed()) return;
  if (!mq.kind.empty() &&
      std::find(std::begin(kQueryKinds), std::end(kQueryKinds), mq.kind) == std::end(kQueryKinds))
    r.fail(q->get("kind"), fmt::format("{}kind = \"{}\" is not allowed (allowed: photo, video, "
                                       "audio)",
                                       qp, mq.kind));
  else if (!mq.day.empty() && !is_calendar_date(mq.day))
    r.fail(q->get("day"),
           fmt::format("{}day = \"{}\" is not a date: write it as YYYY-MM-DD", qp, mq.day));
  else if (!mq.near.empty() && !parse_decimal_list(mq.near, 2))
    r.fail(q->get("near"),
           fmt::format("{}near = \"{}\" must be \"LAT,LON\" in decimal degrees", qp, mq.near));
  else if (mq.near.empty() != (mq.within_km == 0))
    r.fail(&n, fmt::format("{}near and {}within_km go together", qp, qp));
  else if (mq.kind.empty() && mq.day.empty() && mq.device.empty() && mq.near.empty())
    r.fail(&n, fmt::format("{}query is empty: give kind, day, device or near", path));
  m.query = std::move(mq);
}

void read_media_place(Reader& r, const toml::table& t, std::string_view path, StoryMedia& m) {
  if (const auto focus = r.pair(t, path, "focus")) {
    if (focus->first < 0 || focus->first > 1 || focus->second < 0 || focus->second > 1)
      r.fail(t.get("focus"), fmt::format("{}focus must be two fractions 0..1 of the picture "
                                         "(x, y), e.g. [0.4, 0.3]",
                                         path));
    m.focus = FocusPoint{focus->first, focus->second};
  }
  if (const auto trim = r.pair(t, path, "trim")) {
    if (trim->first < 0 || trim->second <= trim->first)
      r.fail(t.get("trim"), fmt::format("{}trim must be [start, end] in seconds with 0 <= start "
                                        "< end, e.g. [2.0, 62.0]",
                                        path));
    m.trim = TimeRange{trim->first, trim->second};
  }
}

StoryMedia read_media(Reader& r, const toml::node& n) {
  StoryMedia m;
  m.line = line_of(&n);
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    r.fail(&n, "media must be tables: write each as [[media]]");
    return m;
  }
  const std::string_view path = "media.";
  r.only_keys(*t, path, kMediaKeys);
  r.text(*t, path, "path", m.path);
  r.text(*t, path, "asset", m.asset);
  if (const toml::node* q = r.get(*t, "query")) read_query(r, *q, path, m);
  const int given = !m.path.empty() + !m.asset.empty() + m.query.has_value();
  if (!r.failed() && given != 1)
    r.fail(&n,
           "media needs exactly one of media.path (a library file), media.asset (an asset "
           "id) or media.query");
  if (const toml::node* role = r.get(*t, "role")) {
    std::string name;
    r.text(*t, path, "role", name);
    if (auto parsed = parse_media_role(name))
      m.role = *parsed;
    else if (!r.failed())
      r.fail(role, fmt::format("media.role = \"{}\" is not allowed (allowed: cover, gallery, "
                               "video, radio)",
                               name));
  }
  read_media_place(r, *t, path, m);
  r.text(*t, path, "alt", m.alt);
  r.text(*t, path, "caption", m.caption);
  return m;
}

void read_all_media(Reader& r, const toml::table& t, Story& s) {
  const toml::node* n = r.get(t, "media");
  if (n == nullptr) return;
  const toml::array* a = n->as_array();
  if (a == nullptr) {
    r.fail(n, "media must be tables: write each as [[media]]");
    return;
  }
  int cover_line = 0;
  for (const toml::node& item : *a) {
    StoryMedia m = read_media(r, item);
    if (r.failed()) return;
    if (m.role == MediaRole::kCover && m.query && m.query->kind != "photo")
      r.fail(&item, "media.role = \"cover\" with a query needs media.query.kind = \"photo\"");
    if (m.role == MediaRole::kCover && cover_line > 0)
      r.fail(&item, fmt::format("media.role = \"cover\" a second time (the first is on line {}); "
                                "a story has one cover: make this one \"gallery\"",
                                cover_line));
    if (m.role == MediaRole::kCover) cover_line = m.line;
    s.media.push_back(std::move(m));
  }
}

void read_override(Reader& r, const std::string& name, const toml::node& n, Story& s) {
  const std::string path = fmt::format("channel.{}.", name);
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    r.fail(&n, fmt::format("channel.{} must be a table ([channel.{}])", name, name));
    return;
  }
  if (std::find(s.channels.begin(), s.channels.end(), name) == s.channels.end()) {
    r.fail(&n, fmt::format("[channel.{}] changes a channel the story does not post to: add \"{}\" "
                           "to channels",
                           name, name));
    return;
  }
  r.only_keys(*t, path, kOverrideKeys);
  ChannelOverride o;
  o.channel = name;
  r.optional_text(*t, path, "title", o.title);
  r.optional_text(*t, path, "caption", o.caption);
  r.texts(*t, path, "hashtags", o.hashtags);
  for (const std::string& h : o.hashtags) {
    if (r.failed()) return;
    const bool bad = h.empty() || h == "#" || h.find_first_of(" \t\n,") != std::string::npos;
    if (bad)
      r.fail(t->get("hashtags"), fmt::format("{}hashtags: \"{}\" is not a hashtag (one "
                                             "word, e.g. \"#Diskominfo\")",
                                             path, h));
  }
  std::vector<std::string> roles;
  r.texts(*t, path, "media", roles);
  for (const std::string& role : roles) {
    if (auto parsed = parse_media_role(role))
      o.media.push_back(*parsed);
    else if (!r.failed())
      r.fail(t->get("media"), fmt::format("{}media: \"{}\" is not a role (allowed: cover, "
                                          "gallery, video, radio)",
                                          path, role));
  }
  s.overrides.push_back(std::move(o));
}

void read_channels(Reader& r, const toml::table& t, Story& s) {
  r.texts(t, "", "channels", s.channels);
  for (std::size_t i = 0; i < s.channels.size() && !r.failed(); ++i) {
    if (s.channels[i].empty() || std::find(s.channels.begin(), s.channels.begin() + i,
                                           s.channels[i]) != s.channels.begin() + i)
      r.fail(t.get("channels"),
             fmt::format("channels: \"{}\" is empty or named twice", s.channels[i]));
  }
  const toml::node* n = r.get(t, "channel");
  if (n == nullptr) return;
  const toml::table* c = n->as_table();
  if (c == nullptr) {
    r.fail(n, "channel must hold tables, e.g. [channel.website]");
    return;
  }
  for (const auto& [key, node] : *c) {
    if (r.failed()) return;
    read_override(r, std::string(key.str()), node, s);
  }
}

Result<toml::table> parse_toml(std::string_view text, const std::string& file) {
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const toml::source_position& at = e.source().begin;
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("is not valid TOML: {}", e.description()), file,
                      fmt::format("line {}, column {}", at.line, at.column));
  }
#else
  toml::parse_result parsed = toml::parse(text, file);
  if (!parsed) {
    const toml::source_position& at = parsed.error().source().begin;
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("is not valid TOML: {}", parsed.error().description()), file,
                      fmt::format("line {}, column {}", at.line, at.column));
  }
  return std::move(parsed).table();
#endif
}

void read_top(Reader& r, const toml::table& t, Story& s) {
  r.only_keys(t, "", kTopKeys);
  r.text(t, "", "slug", s.slug);
  r.text(t, "", "title", s.title);
  r.text(t, "", "summary", s.summary);
  r.text(t, "", "body", s.body);
  r.texts(t, "", "tags", s.tags);
  r.text(t, "", "category", s.category);
  r.text(t, "", "place", s.place);
  read_date(r, t, s);
  r.text(t, "", "credits", s.credits);
  read_status(r, t, s);
  read_channels(r, t, s);
  read_all_media(r, t, s);
  if (r.failed()) return;
  if (s.title.find_first_not_of(" \t\r\n") == std::string::npos)
    r.fail_at(line_of(t.get("title")), "title is missing: every story needs one");
  const bool slug_ok = std::all_of(s.slug.begin(), s.slug.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!slug_ok || s.slug.size() > 100)
    r.fail(t.get("slug"),
           fmt::format("slug = \"{}\" may hold only a-z, 0-9 and '-' (at most 100)", s.slug));
  if (s.slug.empty()) s.slug = story_slug(s.title);
}

}  // namespace

Result<Story> parse_story_text(std::string_view text, const std::filesystem::path& file) {
  auto doc = parse_toml(text, file.string());
  if (!doc) return doc.error();
  Reader r(file.string());
  Story s;
  s.file = file;
  read_top(r, *doc, s);
  if (r.failed()) return r.error();
  return s;
}

Result<Story> parse_story(const std::filesystem::path& file) {
  auto bytes = read_file_bytes(file.string(), kMaxStoryFileBytes);
  if (!bytes) return bytes.error();
  const std::string text(bytes->begin(), bytes->end());
  return parse_story_text(text, file);
}

bool has_todo(std::string_view text) { return text.find(kTodoMarker) != std::string_view::npos; }

}  // namespace saluran
