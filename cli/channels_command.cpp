// `saluran channels`: set up the office's channels without editing files (add, list, remove)
// and check that each one works (test). Secrets are read from standard input or named by an
// environment variable, never taken from the command line, and never printed.

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/text_output.hpp"
#include "connectors/credentials.hpp"
#include "connectors/http/client.hpp"
#include "connectors/registry.hpp"
#include "connectors/youtube.hpp"
#include "pipeline/config/channels_config.hpp"
#include "pipeline/model/enum_names.hpp"
#include "pipeline/model/media_info_json.hpp"

namespace saluran::cli {
namespace {

namespace fs = std::filesystem;

struct ChannelsArgs {
  std::string file;  ///< --file; empty: the file found as for a story in the current folder
  std::string name;
  std::string kind;
  std::string url;
  std::string user;
  std::string path;
  std::string secret_env;
  ChannelConfig platform;  ///< the platform keys given (--account, --client-id, ...)
  bool json = false;
  bool verbose = false;
  std::vector<std::string> names;
  bool no_browser = false;  ///< login: only print the consent address
  int timeout = 300;        ///< login: seconds to wait for the browser
};

int fail(const Error& e, int code) {
  std::cerr << "error: " << e.to_string() << '\n';
  return code;
}

// --file, else channels.toml here, $SALURAN_CHANNELS or the user's config folder; else (for
// `add`) where a new one goes.
fs::path channels_path(const ChannelsArgs& args) {
  if (!args.file.empty()) return args.file;
  if (auto found = find_channels_file(fs::current_path())) return *found;
  return default_channels_file();
}

// The channels of `file`; none when it does not exist yet.
Result<std::vector<ChannelConfig>> read_channels(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::vector<ChannelConfig>{};
  return load_channels(file);
}

// One line of standard input; on a terminal, asked for with the echo off.
std::optional<std::string> read_secret_line(const std::string& name) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios old{};
  if (tty) {
    std::cerr << fmt::format("Secret for {} (not shown): ", name) << std::flush;
    if (::tcgetattr(STDIN_FILENO, &old) == 0) {
      termios quiet = old;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << '\n';
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (!got || line.empty()) return std::nullopt;
  return line;
}

Result<ChannelConfig> channel_from(const ChannelsArgs& args) {
  const auto kind = parse_channel_kind(args.kind);
  if (!kind) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("--kind {} is not a channel kind (allowed: {})", args.kind,
                                  channel_kind_names()));
  }
  ChannelConfig c;
  c.name = args.name;
  c.kind = *kind;
  c.url = args.url;
  c.user = args.user;
  if (c.kind == ChannelKind::kIcecast && c.user.empty()) c.user = "source";
  if (!args.path.empty()) c.path = fs::absolute(args.path).lexically_normal();
  c.secret_env = args.secret_env;
  c.account = args.platform.account;
  c.client_id = args.platform.client_id;
  c.privacy = args.platform.privacy;
  c.playlist = args.platform.playlist;
  c.public_via = args.platform.public_via;
  c.public_base_url = args.platform.public_base_url;
  if (!c.secret_env.empty() && !kind_needs_secret(c.kind)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("--secret-env: a {} channel needs no secret", args.kind));
  }
  if (Status st = validate_channel(c); !st) return st.error();
  return c;
}

// Stores the secret read from standard input, unless --secret-env names where it is.
Status take_secret(const ChannelConfig& c) {
  if (!kind_needs_secret(c.kind)) return Ok{};
  if (!c.secret_env.empty()) {
    if (std::getenv(c.secret_env.c_str()) == nullptr) {
      std::cerr << fmt::format(
          "note: {} is not set in this shell; set it before publishing to {}\n", c.secret_env,
          c.name);
    }
    return Ok{};
  }
  const auto secret = read_secret_line(c.name);
  if (!secret) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("no secret on standard input for {}: type it when asked, pipe "
                                  "it in (e.g. `pass show wp | saluran channels add ...`), or "
                                  "give --secret-env VAR",
                                  c.name));
  }
  return store_secret(c.name, *secret);
}

int run_add(const ChannelsArgs& args) {
  auto channel = channel_from(args);
  if (!channel) return fail(channel.error(), kExitUsage);
  const fs::path file = channels_path(args);
  auto channels = read_channels(file);
  if (!channels) return fail(channels.error(), kExitFatal);
  channel->file = file;
  if (Status st = take_secret(*channel); !st) {
    return fail(st.error(),
                st.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal);
  }
  auto same = std::find_if(channels->begin(), channels->end(),
                           [&](const ChannelConfig& c) { return c.name == channel->name; });
  const bool replaced = same != channels->end();
  if (replaced) {
    *same = *channel;
  } else {
    channels->push_back(*channel);
  }
  if (Status st = save_channels(file, *channels); !st) return fail(st.error(), kExitFatal);
  std::cout << fmt::format("{} channel {} ({}) in {}\n", replaced ? "replaced" : "added",
                           channel->name, channel_kind_name(channel->kind), file.string());
  if (kind_needs_secret(channel->kind)) {
    const SecretOrigin o = secret_origin(*channel);
    std::cout << fmt::format("secret: {} {}\n", o.source, o.where);
  }
  return kExitOk;
}

std::string where_of(const ChannelConfig& c) { return c.url.empty() ? c.path.string() : c.url; }

std::string secret_text(const SecretOrigin& o) {
  if (o.source == "none") return "not needed";
  if (!o.problem.empty()) return "REFUSED (see below)";
  const std::string from = o.source == "environment" ? "$" + o.where : "credentials file";
  return fmt::format("{} ({})", from, o.set ? "set" : "MISSING");
}

int run_list(const ChannelsArgs& args) {
  const fs::path file = channels_path(args);
  auto channels = read_channels(file);
  if (!channels) return fail(channels.error(), kExitFatal);
  std::vector<std::vector<std::string>> rows{{"NAME", "KIND", "WHERE", "ACCOUNT", "SECRET"}};
  nlohmann::json items = nlohmann::json::array();
  std::vector<std::string> problems;
  for (const ChannelConfig& c : *channels) {
    const SecretOrigin o = secret_origin(c);
    if (!o.problem.empty()) problems.push_back(fmt::format("{}: {}", c.name, o.problem));
    rows.push_back({c.name, channel_kind_name(c.kind), where_of(c), c.user, secret_text(o)});
    items.push_back(
        {{"name", c.name},
         {"kind", channel_kind_name(c.kind)},
         {"url", c.url},
         {"user", c.user},
         {"path", c.path.string()},
         {"line", c.line},
         {"secret",
          {{"source", o.source}, {"where", o.where}, {"set", o.set}, {"problem", o.problem}}}});
  }
  if (args.json) {
    std::cout << nlohmann::json{{"file", file.string()}, {"channels", std::move(items)}}.dump(2)
              << '\n';
  } else if (channels->empty()) {
    std::cout << fmt::format("no channels in {}; add one with `saluran channels add`\n",
                             file.string());
  } else {
    std::cout << "channels from " << file.string() << "\n";
    print_columns(rows);
  }
  for (const std::string& p : problems) std::cerr << "error: " << p << '\n';
  return problems.empty() ? kExitOk : kExitSomeFailed;
}

int run_remove(const ChannelsArgs& args) {
  const fs::path file = channels_path(args);
  auto channels = read_channels(file);
  if (!channels) return fail(channels.error(), kExitFatal);
  const auto before = channels->size();
  std::erase_if(*channels, [&](const ChannelConfig& c) { return c.name == args.name; });
  if (channels->size() == before) {
    std::string names;
    for (const ChannelConfig& c : *channels) names += (names.empty() ? "" : ", ") + c.name;
    return fail(make_error(ErrorCode::kNotFound,
                           fmt::format("no channel {} (channels: {})", args.name,
                                       names.empty() ? "none" : names),
                           file.string()),
                kExitUsage);
  }
  if (Status st = save_channels(file, *channels); !st) return fail(st.error(), kExitFatal);
  if (Status st = remove_secret(args.name); !st) return fail(st.error(), kExitFatal);
  std::cout << fmt::format("removed channel {} from {}\n", args.name, file.string());
  return kExitOk;
}

// One channel's test: its secret, then its connector's own check.
Status test_channel(const ChannelConfig& c, const http::Client& client) {
  std::string secret;
  if (kind_needs_secret(c.kind)) {
    auto s = read_secret(c);
    if (!s) return s.error();
    secret = std::move(*s);
  }
  auto connector = make_connector(c, ConnectorContext{std::move(secret), &client, {}});
  if (!connector) return connector.error();
  return (*connector)->test();
}

int run_test(const ChannelsArgs& args) {
  const fs::path file = channels_path(args);
  auto channels = read_channels(file);
  if (!channels) return fail(channels.error(), kExitFatal);
  for (const std::string& name : args.names) {
    if (std::none_of(channels->begin(), channels->end(),
                     [&](const ChannelConfig& c) { return c.name == name; })) {
      return fail(
          make_error(ErrorCode::kNotFound, fmt::format("no channel {}", name), file.string()),
          kExitUsage);
    }
  }
  http::ClientOptions options;
  if (args.verbose) options.log = [](std::string_view line) { std::cerr << line << '\n'; };
  const http::Client client(options);
  nlohmann::json items = nlohmann::json::array();
  int failed = 0;
  for (const ChannelConfig& c : *channels) {
    if (!args.names.empty() &&
        std::find(args.names.begin(), args.names.end(), c.name) == args.names.end())
      continue;
    const Status st = test_channel(c, client);
    failed += st.ok() ? 0 : 1;
    const std::string what =
        fmt::format("{} ({}, {})", c.name, channel_kind_name(c.kind), where_of(c));
    if (!args.json) {
      std::cout << (st.ok() ? fmt::format("ok    {}\n", what)
                            : fmt::format("FAIL  {}: {}\n", what, st.error().to_string()));
    }
    nlohmann::json item{{"name", c.name}, {"kind", channel_kind_name(c.kind)}, {"ok", st.ok()}};
    if (!st.ok()) item["error"] = to_json(st.error());
    items.push_back(std::move(item));
  }
  if (args.json) {
    std::cout << nlohmann::json{{"file", file.string()}, {"channels", std::move(items)}}.dump(2)
              << '\n';
  } else if (items.empty()) {
    std::cout << fmt::format("no channels in {}\n", file.string());
  }
  return failed == 0 ? kExitOk : kExitSomeFailed;
}

// `channels login NAME`: the OAuth sign-in of a YouTube channel, once; the refresh token goes to
// the credentials file.
int run_login(const ChannelsArgs& args) {
  const fs::path file = channels_path(args);
  auto channels = read_channels(file);
  if (!channels) return fail(channels.error(), kExitFatal);
  const auto it = std::find_if(channels->begin(), channels->end(),
                               [&](const ChannelConfig& c) { return c.name == args.name; });
  if (it == channels->end())
    return fail(
        make_error(ErrorCode::kNotFound, fmt::format("no channel {}", args.name), file.string()),
        kExitUsage);
  if (it->kind != ChannelKind::kYouTube)
    return fail(make_error(ErrorCode::kInvalidArgument,
                           fmt::format("channel {} is {}: only youtube channels sign in with "
                                       "`channels login`; store other secrets with `channels add`",
                                       it->name, channel_kind_name(it->kind))),
                kExitUsage);
  auto secret = read_secret(*it);
  if (!secret) return fail(secret.error(), kExitFatal);
  http::ClientOptions options;
  const http::Client client(options);
  YouTubeLoginOptions login{
      std::chrono::seconds(args.timeout), !args.no_browser, [&](const std::string& url) {
        std::cout << fmt::format(
                         "Open this address in a browser, sign in with the channel's "
                         "Google account and allow Saluran:\n\n  {}\n\nWaiting for "
                         "the answer on 127.0.0.1 (up to {} s)...\n",
                         url, args.timeout)
                  << std::flush;
      }};
  if (Status s = youtube_login(*it, *secret, client, login); !s) return fail(s.error(), kExitFatal);
  std::cout << fmt::format("signed in: channel {} is ready (the sign-in is kept in {})\n", it->name,
                           credentials_file().string());
  return kExitOk;
}

}  // namespace

Runner add_channels_command(CLI::App& app) {
  auto args = std::make_shared<ChannelsArgs>();
  CLI::App* sub = app.add_subcommand(
      "channels",
      "Set up the channels stories are published to (channels.toml) and check them. Secrets\n"
      "are kept out of channels.toml: in an environment variable, or in the credentials file\n"
      "(mode 0600) where `channels add` stores what it reads from standard input.");
  sub->add_option("--file", args->file,
                  "The channels file (default: ./channels.toml, else $SALURAN_CHANNELS, else "
                  "~/.config/saluran/channels.toml)")
      ->type_name("FILE");
  sub->require_subcommand(1);

  CLI::App* add = sub->add_subcommand("add", "Add a channel, or replace the one of that name");
  add->add_option("name", args->name, "What the office calls it, e.g. website, radio")->required();
  add->add_option("--kind", args->kind, std::string("One of: ") + channel_kind_names())->required();
  add->add_option("--url", args->url, "wordpress: the site; icecast: http://HOST:PORT/MOUNT");
  add->add_option("--user", args->user, "The account (icecast: default source)");
  add->add_option("--path", args->path, "playout and folder: the destination folder")
      ->type_name("DIR");
  add->add_option("--secret-env", args->secret_env,
                  "Read the secret from this environment variable when publishing, instead of "
                  "storing it")
      ->type_name("VAR");
  add->add_option("--account", args->platform.account,
                  "facebook: the Page id; instagram: the Instagram user id; x: the user id");
  add->add_option("--client-id", args->platform.client_id,
                  "youtube: the OAuth client id of the office's Google Cloud project");
  add->add_option("--privacy", args->platform.privacy, "youtube: public, unlisted or private");
  add->add_option("--playlist", args->platform.playlist, "youtube: add each video to this list");
  add->add_option("--public-via", args->platform.public_via,
                  "instagram: the wordpress channel whose media library gives each file the "
                  "public address Instagram fetches it from")
      ->type_name("CHANNEL");
  add->add_option("--public-base-url", args->platform.public_base_url,
                  "instagram: a public folder on the internet that holds the renditions")
      ->type_name("URL");
  add->footer(
      "The secret (password, Application Password) is read from standard input: typed when\n"
      "asked (not shown), or piped in. It is stored in the credentials file, never on the\n"
      "command line. Examples:\n"
      "  saluran channels add website --kind wordpress --url https://example.go.id --user admin\n"
      "  saluran channels add live --kind icecast --url http://radio:8000/live --secret-env ICE\n"
      "  saluran channels add radio --kind playout --path /mnt/playout/incoming\n"
      "  saluran channels add fb --kind facebook --account 1234567890   (Page access token)\n"
      "  saluran channels add ig --kind instagram --account 1784... --public-via website\n"
      "  saluran channels add youtube --kind youtube --client-id ID.apps.googleusercontent.com\n"
      "      (client secret on standard input; then: saluran channels login youtube)\n"
      "Exit code: 0 saved, 2 a value is wrong (the message says which), 3 a file cannot be "
      "written.");
  add->fallthrough();

  CLI::App* list = sub->add_subcommand("list", "The channels, and where each secret comes from");
  list->add_flag("--json", args->json,
                 "Write JSON: {file, channels: [{name, kind, url, user, path, line, secret: "
                 "{source, where, set, problem}}]}");
  list->footer("Secrets are never shown. Exit code: 0, 1 the credentials file is refused.");
  list->fallthrough();

  CLI::App* remove = sub->add_subcommand("remove", "Remove a channel and its stored secret");
  remove->add_option("name", args->name, "The channel")->required();
  remove->fallthrough();

  CLI::App* test = sub->add_subcommand("test", "Check each channel's secret and reachability");
  test->add_option("names", args->names, "Only these channels")->type_name("NAME");
  test->add_flag("--json", args->json, "Write JSON: {file, channels: [{name, kind, ok, error}]}");
  test->add_flag("-v,--verbose", args->verbose,
                 "Log every HTTP request and response on stderr (Authorization shown as "
                 "<redacted>)");
  test->footer(
      "One line per channel: 'ok' or 'FAIL' with what to fix. Exit code: 0 all work, 1 some "
      "do not.");
  test->fallthrough();

  CLI::App* login = sub->add_subcommand("login", "Sign a YouTube channel in to Google (once)");
  login->add_option("name", args->name, "The youtube channel")->required();
  login->add_flag("--no-browser", args->no_browser,
                  "Only print the address to open (on another computer's browser, the answer "
                  "must still reach 127.0.0.1 here)");
  login->add_option("--timeout", args->timeout, "Seconds to wait for the browser (default 300)")
      ->type_name("SECONDS");
  login->footer(
      "Prints Google's consent address (and opens it when there is a display), waits for the\n"
      "answer on 127.0.0.1 and stores the refresh token in the credentials file (0600). Run it\n"
      "again when publishing says to sign in again. Exit code: 0 signed in, 2 no such youtube\n"
      "channel, 3 no client secret, refused, or no answer in time.");
  login->fallthrough();

  return [args, add, list, remove, test, login] {
    if (login->parsed()) return run_login(*args);
    if (add->parsed()) return run_add(*args);
    if (list->parsed()) return run_list(*args);
    if (remove->parsed()) return run_remove(*args);
    if (test->parsed()) return run_test(*args);
    return static_cast<int>(kExitUsage);
  };
}

}  // namespace saluran::cli
