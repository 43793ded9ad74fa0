#include "pipeline/stages/publish_hook.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "connectors/http/signature.hpp"
#include "pipeline/model/enum_names.hpp"

extern char** environ;

namespace saluran {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct FileClose {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileClose>;

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json item_json(const RemoteItem& item) {
  return {{"id", item.id}, {"url", item.url}, {"name", item.name}};
}

// What running one command gave.
struct CommandRun {
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  std::string output;  // the end of stdout and stderr together
  std::string spawn_error;
};

// The environment without the variables named in `hidden`.
std::vector<std::string> child_environment(const std::vector<std::string>& hidden) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (std::find(hidden.begin(), hidden.end(), name) == hidden.end()) env.push_back(entry);
  }
  return env;
}

// Waits for `pid` until `timeout`, then stops its process group (TERM, then KILL).
void wait_child(pid_t pid, std::chrono::milliseconds timeout, CommandRun& run) {
  const auto deadline = Clock::now() + timeout;
  int status = 0;
  pid_t got = 0;
  while ((got = ::waitpid(pid, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  if (got == 0) {
    run.timed_out = true;
    ::kill(-pid, SIGTERM);
    const auto grace = Clock::now() + 2s;
    while ((got = ::waitpid(pid, &status, WNOHANG)) == 0 && Clock::now() < grace) {
      std::this_thread::sleep_for(10ms);
    }
    if (got == 0) {
      ::kill(-pid, SIGKILL);
      got = ::waitpid(pid, &status, 0);
    }
  }
  if (got == pid && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (got == pid && WIFSIGNALED(status)) run.signal = WTERMSIG(status);
}

std::string tail_of(std::FILE* f, std::size_t max) {
  std::fflush(f);
  const long size = (std::fseek(f, 0, SEEK_END) == 0) ? std::ftell(f) : 0;
  const long from = std::max(0L, size - static_cast<long>(max));
  std::string out(static_cast<std::size_t>(size - from), '\0');
  std::fseek(f, from, SEEK_SET);
  out.resize(std::fread(out.data(), 1, out.size(), f));
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// Runs `command` through /bin/sh -c in a process group of its own, `input` on its standard
// input, its output captured in a temporary file (no pipe to fill up and block on).
CommandRun run_shell(const std::string& command, const std::string& input,
                     const std::vector<std::string>& hidden, std::chrono::milliseconds timeout) {
  CommandRun run;
  FilePtr in(std::tmpfile());
  FilePtr out(std::tmpfile());
  if (!in || !out || std::fwrite(input.data(), 1, input.size(), in.get()) != input.size() ||
      std::fflush(in.get()) != 0 || std::fseek(in.get(), 0, SEEK_SET) != 0) {
    run.spawn_error = std::string("cannot make a temporary file: ") + std::strerror(errno);
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fileno(in.get()), 0);
  posix_spawn_file_actions_adddup2(&actions, fileno(out.get()), 1);
  posix_spawn_file_actions_adddup2(&actions, fileno(out.get()), 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigfillset(&defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> env = child_environment(hidden);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "sh", dash_c = "-c", cmd = command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  pid_t pid = 0;
  const int err = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    run.spawn_error = std::string("cannot start /bin/sh: ") + std::strerror(err);
    return run;
  }
  wait_child(pid, timeout, run);
  run.output = tail_of(out.get(), 2000);
  return run;
}

std::string last_line(const std::string& text) {
  const std::size_t nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

HookOutcome run_command_hook(const ChannelConfig& channel, const std::string& command,
                             const std::string& json, const HookOptions& options) {
  HookOutcome o;
  o.hook = command;
  std::vector<std::string> hidden = options.secret_env;
  for (const std::string* name : {&channel.secret_env, &channel.webhook_secret_env}) {
    if (!name->empty()) hidden.push_back(*name);
  }
  const auto start = Clock::now();
  const CommandRun run = run_shell(command, json, hidden, options.timeout);
  o.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  o.exit_code = run.exit_code;
  o.output = run.output;
  o.ok = run.spawn_error.empty() && !run.timed_out && run.exit_code == 0;
  const std::string said = last_line(run.output).empty() ? "" : ": " + last_line(run.output);
  const std::string head = fmt::format("channel {}: hook `{}`", channel.name, command);
  if (!run.spawn_error.empty()) {
    o.message = fmt::format("{} could not run: {}", head, run.spawn_error);
  } else if (run.timed_out) {
    o.message = fmt::format("{} did not finish within {:g} s and was stopped{}", head,
                            options.timeout.count() / 1000.0, said);
  } else if (run.signal != 0) {
    o.message = fmt::format("{} was killed by signal {}{}", head, run.signal, said);
  } else if (run.exit_code == 127) {
    o.message =
        fmt::format("{} was not found (exit status 127){}; check on_published in {}", head, said,
                    channel.file.empty() ? std::string("channels.toml") : channel.file.string());
  } else if (run.exit_code != 0) {
    o.message = fmt::format("{} exited with status {}{}", head, run.exit_code, said);
  }
  return o;
}

HookOutcome run_webhook(const ChannelConfig& channel, const std::string& json,
                        const HookOptions& options) {
  HookOutcome o;
  o.hook = "webhook " + http::redact_url(channel.webhook_url);
  const std::string head =
      fmt::format("channel {}: webhook {}", channel.name, http::redact_url(channel.webhook_url));
  const char* key = channel.webhook_secret_env.empty()
                        ? nullptr
                        : std::getenv(channel.webhook_secret_env.c_str());
  if (channel.webhook_secret_env.empty()) {
    o.message = head + " not sent: set webhook_secret_env to the variable holding its signing key";
    return o;
  }
  if (key == nullptr || *key == '\0') {
    o.message = fmt::format("{} not sent: the signing key variable {} is not set", head,
                            channel.webhook_secret_env);
    return o;
  }
  http::Request r{.method = "POST", .url = channel.webhook_url, .body = json};
  r.headers.set("Content-Type", "application/json");
  r.headers.set("X-Saluran-Signature", "sha256=" + http::hmac_sha256_hex(key, json));
  std::optional<http::Client> own;
  const http::Client* client = options.client;
  if (client == nullptr) client = &own.emplace();
  const auto start = Clock::now();
  Result<http::Response> answer = client->send(r);
  o.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (answer) {
    o.ok = true;
    o.http_status = answer->status;
  } else {
    const std::string& detail = answer.error().context.detail;
    if (detail.starts_with("HTTP ")) o.http_status = std::strtol(detail.c_str() + 5, nullptr, 10);
    o.message = fmt::format("{} failed: {}", head, answer.error().message);
  }
  return o;
}

}  // namespace

std::string published_json(const PublishedEvent& e) {
  nlohmann::json media = nlohmann::json::array();
  for (const RemoteItem& m : e.media) media.push_back(item_json(m));
  nlohmann::json files = nlohmann::json::array();
  bool checks_passed = true;
  for (const CheckReport& c : e.checks) {
    files.push_back(to_json(c));
    checks_passed = checks_passed && c.passed();
  }
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : e.findings) {
    findings.push_back({{"what", f.what}, {"expected", f.expected}, {"found", f.found}});
  }
  nlohmann::json verify = {{"ran", e.verified},
                           {"passed", e.verified && e.findings.empty() && e.verify_error.empty()},
                           {"findings", findings}};
  if (!e.verify_error.empty()) verify["error"] = e.verify_error;
  const nlohmann::json doc = {
      {"event", "published"},
      {"published_at", e.published_at.empty() ? utc_now() : e.published_at},
      {"story", {{"slug", e.story_slug}, {"title", e.story_title}}},
      {"channel", {{"name", e.channel.name}, {"kind", channel_kind_name(e.channel.kind)}}},
      {"post", item_json(e.post)},
      {"media", media},
      {"check", {{"passed", checks_passed}, {"files", files}}},
      {"verify", verify}};
  // Invalid UTF-8 in a title must not make the hook fail: replace it.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool HookReport::ok() const {
  return std::all_of(outcomes.begin(), outcomes.end(), [](const HookOutcome& o) { return o.ok; });
}

std::vector<std::string> HookReport::failures() const {
  std::vector<std::string> out;
  for (const HookOutcome& o : outcomes) {
    if (!o.ok) out.push_back(o.message);
  }
  return out;
}

HookReport run_publish_hooks(const ChannelConfig& channel, const std::string& json,
                             const HookOptions& options) {
  HookReport report;
  for (const std::string& command : channel.on_published) {
    report.outcomes.push_back(run_command_hook(channel, command, json, options));
  }
  if (!channel.webhook_url.empty()) report.outcomes.push_back(run_webhook(channel, json, options));
  return report;
}

}  // namespace saluran
