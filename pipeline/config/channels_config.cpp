// channels.toml read into ChannelConfig values and written back. Every mistake is an error that
// names the file, the line and the key, and says what is allowed.

#include "pipeline/config/channels_config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"
#include "pipeline/model/enum_names.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxChannelsFileBytes = 1u << 20;  // a hand-written file; 1 MiB is ample

constexpr std::string_view kChannelKeys[] = {"kind",
                                             "url",
                                             "user",
                                             "path",
                                             "secret_env",
                                             "on_published",
                                             "webhook_url",
                                             "webhook_secret_env",
                                             "presets",
                                             "account",
                                             "client_id",
                                             "upload_url",
                                             "auth_url",
                                             "token_url",
                                             "privacy",
                                             "playlist",
                                             "made_for_kids",
                                             "category_id",
                                             "language",
                                             "daily_quota",
                                             "public_base_url",
                                             "public_via"};
// Keys that would put a secret into the file: refused with the way to do it instead.
constexpr std::string_view kSecretKeys[] = {"secret", "password", "token", "api_key", "key"};

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) out += fmt::format("{}{}", out.empty() ? "" : ", ", n);
  return out;
}

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

Error at(const fs::path& file, const toml::node& n, std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message), file.string(),
                    fmt::format("line {}", line_of(n)));
}

bool is_valid_channel_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || c == '_'));
    if (!ok) return false;
  }
  return true;
}

bool is_env_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool is_http_url(std::string_view url) {
  return (url.starts_with("http://") && url.size() > 7) ||
         (url.starts_with("https://") && url.size() > 8);
}

// `~/x` is the home folder's x; a relative path is relative to the channels file's folder, so a
// file beside the story can say `path = "site"` wherever the command is run from.
fs::path resolve_path(const fs::path& file, const std::string& text) {
  fs::path p(text);
  if (text == "~" || text.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    p = fs::path(home != nullptr ? home : "") / text.substr(std::min<std::size_t>(2, text.size()));
  }
  if (p.is_relative()) p = fs::absolute(file).parent_path() / p;
  return p.lexically_normal();
}

/// Reads one typed value after another out of a channel's table, keeping the first error.
class ChannelReader {
 public:
  ChannelReader(const fs::path& file, const toml::table& t, std::string prefix)
      : file_(file), table_(t), prefix_(std::move(prefix)) {}

  const std::optional<Error>& error() const { return error_; }
  void fail(const toml::node& n, std::string message) {
    if (!error_) error_ = at(file_, n, std::move(message));
  }

  void text(std::string_view key, std::string& out) {
    const toml::node* n = table_.get(key);
    if (n == nullptr || error_) return;
    if (const auto* s = n->as_string()) {
      out = s->get();
      return;
    }
    fail(*n, fmt::format("{}{} must be a string (in quotes)", prefix_, key));
  }

  void flag(std::string_view key, bool& out) {
    const toml::node* n = table_.get(key);
    if (n == nullptr || error_) return;
    if (const auto* b = n->as_boolean()) {
      out = b->get();
      return;
    }
    fail(*n, fmt::format("{}{} must be true or false", prefix_, key));
  }

  void whole(std::string_view key, long& out) {
    const toml::node* n = table_.get(key);
    if (n == nullptr || error_) return;
    if (const auto* i = n->as_integer(); i != nullptr && i->get() > 0) {
      out = static_cast<long>(i->get());
      return;
    }
    fail(*n, fmt::format("{}{} must be a whole number above 0", prefix_, key));
  }

  void texts(std::string_view key, std::vector<std::string>& out) {
    const toml::node* n = table_.get(key);
    if (n == nullptr || error_) return;
    const toml::array* a = n->as_array();
    if (a != nullptr) {
      out.clear();
      for (const toml::node& item : *a) {
        const auto* s = item.as_string();
        if (s == nullptr || s->get().empty()) break;
        out.push_back(s->get());
      }
      if (out.size() == a->size()) return;
    }
    fail(*n, fmt::format("{}{} must be a list of non-empty strings, e.g. [\"a\", \"b\"]", prefix_,
                         key));
  }

 private:
  const fs::path& file_;
  const toml::table& table_;
  std::string prefix_;
  std::optional<Error> error_;
};

Status check_keys(const fs::path& file, const toml::table& t, const std::string& prefix) {
  for (const auto& [key, node] : t) {
    const std::string_view k = key.str();
    if (std::find(std::begin(kChannelKeys), std::end(kChannelKeys), k) != std::end(kChannelKeys))
      continue;
    if (std::find(std::begin(kSecretKeys), std::end(kSecretKeys), k) != std::end(kSecretKeys)) {
      return at(file, node,
                fmt::format("{}{}: secrets are never written in channels.toml; name an "
                            "environment variable with secret_env, or store it with `saluran "
                            "channels add` (credentials file, mode 0600)",
                            prefix, k));
    }
    return at(file, node,
              fmt::format("unknown key {}{}; allowed: {}", prefix, k, join(kChannelKeys)));
  }
  return Ok{};
}

/// A broken rule between a channel's values: the key it is about (empty: the table) and why.
struct Problem {
  std::string key;
  std::string message;
};

bool is_platform(ChannelKind k) {
  return k == ChannelKind::kYouTube || k == ChannelKind::kFacebook ||
         k == ChannelKind::kInstagram || k == ChannelKind::kX;
}

// What the platforms need: an account for the Meta ones, an OAuth client for YouTube, known
// privacy values, addresses that are URLs; and no platform key on another kind.
std::optional<Problem> platform_problem(const ChannelConfig& c, const std::string& prefix) {
  const ChannelConfig blank;
  if (!is_platform(c.kind)) {
    const std::pair<const char*, bool> given[] = {
        {"account", !c.account.empty()},
        {"client_id", !c.client_id.empty()},
        {"upload_url", !c.upload_url.empty()},
        {"auth_url", !c.auth_url.empty()},
        {"token_url", !c.token_url.empty()},
        {"privacy", !c.privacy.empty()},
        {"playlist", !c.playlist.empty()},
        {"made_for_kids", c.made_for_kids},
        {"category_id", !c.category_id.empty()},
        {"language", !c.language.empty()},
        {"daily_quota", c.daily_quota != blank.daily_quota},
        {"public_base_url", !c.public_base_url.empty()},
        {"public_via", !c.public_via.empty()}};
    for (const auto& [key, set] : given)
      if (set)
        return Problem{key, fmt::format("{}{} is only for youtube, facebook, instagram and x "
                                        "channels, not {}",
                                        prefix, key, channel_kind_name(c.kind))};
    return std::nullopt;
  }
  const bool meta = c.kind == ChannelKind::kFacebook || c.kind == ChannelKind::kInstagram;
  if (meta && c.account.empty())
    return Problem{"", fmt::format("{}account is missing: a {} channel needs the {} id "
                                   "(account = \"1784...\")",
                                   prefix, channel_kind_name(c.kind),
                                   c.kind == ChannelKind::kFacebook ? "Page" : "Instagram user")};
  if (c.kind == ChannelKind::kYouTube && c.client_id.empty())
    return Problem{"", fmt::format("{}client_id is missing: a youtube channel needs the OAuth "
                                   "client id of the office's Google Cloud project",
                                   prefix)};
  if (!c.privacy.empty() && c.privacy != "public" && c.privacy != "unlisted" &&
      c.privacy != "private")
    return Problem{"privacy", fmt::format("{}privacy = \"{}\" is not allowed (allowed: public, "
                                          "unlisted, private)",
                                          prefix, c.privacy)};
  for (const auto& [key, value] : {std::pair{"upload_url", &c.upload_url},
                                   {"auth_url", &c.auth_url},
                                   {"token_url", &c.token_url},
                                   {"public_base_url", &c.public_base_url}}) {
    if (!value->empty() && !is_http_url(*value))
      return Problem{key, fmt::format("{}{} must start with http:// or https://", prefix, key)};
  }
  return std::nullopt;
}

// The rules between keys: what each kind needs.
std::optional<Problem> channel_problem(const ChannelConfig& c) {
  const std::string prefix = fmt::format("channels.{}.", c.name);
  const bool web = c.kind == ChannelKind::kWordPress || c.kind == ChannelKind::kIcecast;
  const bool local = c.kind == ChannelKind::kPlayout || c.kind == ChannelKind::kFolder;
  const char* kind = channel_kind_name(c.kind);
  if (web && c.url.empty()) {
    return Problem{
        "", fmt::format("{}url is missing: a {} channel needs url = \"http://...\"", prefix, kind)};
  }
  if (!c.url.empty() && !is_http_url(c.url)) {
    return Problem{
        "url", fmt::format("{}url = \"{}\" must start with http:// or https://", prefix, c.url)};
  }
  if (c.kind == ChannelKind::kWordPress && c.user.empty()) {
    return Problem{"", fmt::format("{}user is missing: a wordpress channel needs the account name "
                                   "(user = \"...\") its Application Password belongs to",
                                   prefix)};
  }
  if (local && c.path.empty()) {
    return Problem{"", fmt::format("{}path is missing: a {} channel needs path = \"/the/folder\"",
                                   prefix, kind)};
  }
  for (const auto& [key, value] : {std::pair{"secret_env", &c.secret_env},
                                   std::pair{"webhook_secret_env", &c.webhook_secret_env}}) {
    if (!value->empty() && !is_env_name(*value)) {
      // The value is not repeated: it may be the secret itself, pasted in the wrong place.
      return Problem{key, fmt::format("{}{} must be the name of an environment variable "
                                      "(letters, digits and _), not the secret itself",
                                      prefix, key)};
    }
  }
  if (auto p = platform_problem(c, prefix)) return p;
  if (!c.webhook_url.empty() && !is_http_url(c.webhook_url)) {
    return Problem{"webhook_url",
                   fmt::format("{}webhook_url must start with http:// or https://", prefix)};
  }
  return std::nullopt;
}

Result<ChannelConfig> read_channel(const fs::path& file, std::string_view name,
                                   const toml::node& node) {
  const std::string prefix = fmt::format("channels.{}.", name);
  if (!is_valid_channel_name(name)) {
    return at(file, node,
              fmt::format("channel name \"{}\" is not allowed: use lower-case letters, digits, - "
                          "and _ (starting with a letter or digit)",
                          name));
  }
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    return at(file, node, fmt::format("channels.{} must be a table ([channels.{}])", name, name));
  }
  if (Status st = check_keys(file, *t, prefix); !st) return st.error();
  ChannelConfig c;
  c.name = std::string(name);
  c.file = file;
  c.line = line_of(*t);
  const toml::node* kind = t->get("kind");
  if (kind == nullptr) {
    return at(file, *t,
              fmt::format("{}kind is missing; allowed: {}", prefix, channel_kind_names()));
  }
  const auto* kind_text = kind->as_string();
  const auto parsed = kind_text ? parse_channel_kind(kind_text->get()) : std::nullopt;
  if (!parsed) {
    return at(file, *kind,
              fmt::format("{}kind = {} is not allowed (allowed: {})", prefix,
                          kind_text ? fmt::format("\"{}\"", kind_text->get()) : "that value",
                          channel_kind_names()));
  }
  c.kind = *parsed;
  ChannelReader r(file, *t, prefix);
  std::string path;
  r.text("url", c.url);
  r.text("user", c.user);
  r.text("path", path);
  r.text("secret_env", c.secret_env);
  r.texts("on_published", c.on_published);
  r.text("webhook_url", c.webhook_url);
  r.text("webhook_secret_env", c.webhook_secret_env);
  r.texts("presets", c.presets);
  for (const auto& [key, out] : {std::pair{"account", &c.account},
                                 {"client_id", &c.client_id},
                                 {"upload_url", &c.upload_url},
                                 {"auth_url", &c.auth_url},
                                 {"token_url", &c.token_url},
                                 {"privacy", &c.privacy},
                                 {"playlist", &c.playlist},
                                 {"category_id", &c.category_id},
                                 {"language", &c.language},
                                 {"public_base_url", &c.public_base_url},
                                 {"public_via", &c.public_via}})
    r.text(key, *out);
  r.flag("made_for_kids", c.made_for_kids);
  r.whole("daily_quota", c.daily_quota);
  if (r.error()) return *r.error();
  if (!path.empty()) c.path = resolve_path(file, path);
  if (auto problem = channel_problem(c)) {
    const toml::node* n = problem->key.empty() ? nullptr : t->get(problem->key);
    return at(file, n != nullptr ? *n : *t, std::move(problem->message));
  }
  return c;
}

Result<toml::table> parse_toml(const fs::path& file, const std::string& text) {
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    const toml::source_position& pos = e.source().begin;
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("is not valid TOML: {}", e.description()), file.string(),
                      fmt::format("line {}, column {}", pos.line, pos.column));
  }
#else
  toml::parse_result parsed = toml::parse(text, file.string());
  if (!parsed) {
    const toml::source_position& pos = parsed.error().source().begin;
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("is not valid TOML: {}", parsed.error().description()),
                      file.string(), fmt::format("line {}, column {}", pos.line, pos.column));
  }
  return std::move(parsed).table();
#endif
}

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_quoted(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04X}", c);
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string toml_quoted_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + toml_quoted(items[i]);
  return out + "]";
}

// A path inside the file's folder is written relative to it (the folder can move); any other
// path is written absolute.
std::string path_text(const fs::path& file, const fs::path& path) {
  const fs::path dir = fs::absolute(file).parent_path().lexically_normal();
  const fs::path rel = path.lexically_normal().lexically_relative(dir);
  if (path.is_absolute() && !rel.empty() && *rel.begin() != "..") return rel.string();
  return path.string();
}

std::string channel_text(const fs::path& file, const ChannelConfig& c) {
  std::string out =
      fmt::format("[channels.{}]\nkind = {}\n", c.name, toml_quoted(channel_kind_name(c.kind)));
  auto line = [&out](std::string_view key, const std::string& value) {
    if (!value.empty()) out += fmt::format("{} = {}\n", key, toml_quoted(value));
  };
  line("url", c.url);
  line("user", c.user);
  if (!c.path.empty()) line("path", path_text(file, c.path));
  line("secret_env", c.secret_env);
  if (!c.on_published.empty()) out += "on_published = " + toml_quoted_list(c.on_published) + "\n";
  line("webhook_url", c.webhook_url);
  line("webhook_secret_env", c.webhook_secret_env);
  if (!c.presets.empty()) out += "presets = " + toml_quoted_list(c.presets) + "\n";
  for (const auto& [key, value] : {std::pair{"account", &c.account},
                                   {"client_id", &c.client_id},
                                   {"upload_url", &c.upload_url},
                                   {"auth_url", &c.auth_url},
                                   {"token_url", &c.token_url},
                                   {"privacy", &c.privacy},
                                   {"playlist", &c.playlist},
                                   {"category_id", &c.category_id},
                                   {"language", &c.language},
                                   {"public_base_url", &c.public_base_url},
                                   {"public_via", &c.public_via}})
    line(key, *value);
  if (c.made_for_kids) out += "made_for_kids = true\n";
  if (c.daily_quota != ChannelConfig{}.daily_quota)
    out += fmt::format("daily_quota = {}\n", c.daily_quota);
  return out;
}

fs::path config_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0')
    return fs::path(xdg) / "saluran";
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : ".") / ".config" / "saluran";
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

std::optional<fs::path> find_channels_file(const fs::path& story_dir) {
  if (!story_dir.empty() && is_file(story_dir / "channels.toml"))
    return story_dir / "channels.toml";
  if (const char* env = std::getenv("SALURAN_CHANNELS"); env != nullptr && *env != '\0') {
    if (is_file(env)) return fs::path(env);
  }
  if (is_file(config_dir() / "channels.toml")) return config_dir() / "channels.toml";
  return std::nullopt;
}

fs::path default_channels_file() {
  if (const char* env = std::getenv("SALURAN_CHANNELS"); env != nullptr && *env != '\0')
    return fs::path(env);
  return config_dir() / "channels.toml";
}

Status validate_channel(const ChannelConfig& channel) {
  if (!is_valid_channel_name(channel.name)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("channel name \"{}\" is not allowed: use lower-case letters, "
                                  "digits, - and _ (starting with a letter or digit)",
                                  channel.name));
  }
  if (auto problem = channel_problem(channel)) {
    return make_error(ErrorCode::kInvalidArgument, std::move(problem->message));
  }
  return Ok{};
}

Result<std::vector<ChannelConfig>> load_channels(const fs::path& file) {
  auto bytes = read_file_bytes(file.string(), kMaxChannelsFileBytes);
  if (!bytes) return bytes.error();
  const std::string text(bytes->begin(), bytes->end());
  auto doc = parse_toml(file, text);
  if (!doc) return doc.error();
  std::vector<ChannelConfig> out;
  for (const auto& [key, node] : *doc) {
    if (key.str() != "channels") {
      return at(file, node,
                fmt::format("unknown key {}; channels.toml holds [channels.NAME] tables only",
                            key.str()));
    }
  }
  const toml::node* channels = doc->get("channels");
  if (channels == nullptr) return out;  // an empty file: no channels yet
  const toml::table* table = channels->as_table();
  if (table == nullptr) {
    return at(file, *channels, "channels must be tables written [channels.NAME]");
  }
  for (const auto& [name, node] : *table) {
    auto c = read_channel(file, name.str(), node);
    if (!c) return c.error();
    out.push_back(std::move(*c));
  }
  // toml++ keeps keys sorted; the office reads them in the order it wrote them.
  std::stable_sort(out.begin(), out.end(),
                   [](const ChannelConfig& a, const ChannelConfig& b) { return a.line < b.line; });
  return out;
}

Status save_channels(const fs::path& file, const std::vector<ChannelConfig>& channels) {
  std::string text =
      "# Saluran channels (see README, \"Channels\"). Written by `saluran channels add/remove`;\n"
      "# hand edits are welcome but comments are not kept. Secrets are never written here.\n";
  for (std::size_t i = 0; i < channels.size(); ++i) {
    if (Status st = validate_channel(channels[i]); !st) {
      Error e = st.error();
      e.context.file = file.string();
      return e;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (channels[j].name == channels[i].name) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("channel {} is listed twice", channels[i].name),
                          file.string());
      }
    }
    text += "\n" + channel_text(file, channels[i]);
  }
  std::error_code ec;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
  if (ec) return errno_error(ec.value(), "create the folder", file.parent_path().string());
  const std::string temp = temp_path_beside(file.string(), "tmp");
  const std::span<const std::uint8_t> data(reinterpret_cast<const std::uint8_t*>(text.data()),
                                           text.size());
  if (Status st = write_file_synced(temp, data); !st) {
    fs::remove(temp, ec);
    return st;
  }
  fs::rename(temp, file, ec);
  if (ec) {
    const int err = ec.value();
    fs::remove(temp, ec);
    return errno_error(err, "replace", file.string());
  }
  return fsync_dir(fs::absolute(file).parent_path().string());
}

}  // namespace saluran
