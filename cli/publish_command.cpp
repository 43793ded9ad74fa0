// `saluran publish STORY` and `saluran verify STORY`: plan, render what is missing, send each
// channel once, read every post back; a line per channel while it runs and a table at the end.

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "cli/preset_options.hpp"
#include "cli/text_output.hpp"
#include "pipeline/model/enum_names.hpp"
#include "pipeline/stages/publish_story.hpp"

namespace saluran::cli {
namespace {

struct PublishArgs {
  std::string story;
  std::string library;
  std::string out;
  std::string channels_file;
  std::string presets;
  std::string only;
  bool dry_run = false;
  bool update = false;
  bool no_verify = false;
  bool json = false;
  bool quiet = false;
  bool verbose = false;
};

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c == ',') {
      const auto b = cur.find_first_not_of(' '), e = cur.find_last_not_of(' ');
      if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

nlohmann::json report_json(const ChannelReport& c) {
  nlohmann::json media = nlohmann::json::array();
  for (const MediaReport& m : c.media)
    media.push_back({{"name", m.upload_name},
                     {"id", m.remote.id},
                     {"url", m.remote.url},
                     {"sent", m.sent},
                     {"reconciled", m.reconciled},
                     {"bytes", m.bytes}});
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : c.findings)
    findings.push_back(
        {{"what", f.what}, {"expected", f.expected}, {"found", f.found}, {"pending", f.pending}});
  nlohmann::json j = {{"channel", c.channel},
                      {"kind", channel_kind_name(c.kind)},
                      {"state", channel_state_name(c.state)},
                      {"url", c.post.url},
                      {"post_id", c.post.id},
                      {"media", media},
                      {"findings", findings},
                      {"verified", c.verified},
                      {"notes", c.notes},
                      {"seconds", c.seconds},
                      {"send_seconds", c.seconds - c.verify_seconds},
                      {"verify_seconds", c.verify_seconds},
                      {"bytes_sent", c.bytes_sent}};
  nlohmann::json hooks = nlohmann::json::array();
  for (const HookOutcome& h : c.hooks)
    hooks.push_back(
        {{"hook", h.hook}, {"ok", h.ok}, {"message", h.message}, {"seconds", h.seconds}});
  j["hooks"] = hooks;
  if (c.error)
    j["error"] = {{"code", error_code_name(c.error->code)}, {"message", c.error->message}};
  return j;
}

// Progress: one line per step on stderr (bytes as a percentage on a terminal).
std::function<void(const PublishEvent&)> progress_printer(const PublishArgs& args) {
  if (args.quiet) return {};
  auto mutex = std::make_shared<std::mutex>();
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  const bool json = args.json;
  return [mutex, tty, json](const PublishEvent& e) {
    std::lock_guard lock(*mutex);
    if (json) {
      std::cout << nlohmann::json{{"event", "progress"},
                                  {"channel", e.channel},
                                  {"step", e.step},
                                  {"sent", e.sent},
                                  {"total", e.total}}
                       .dump()
                << '\n';
      return;
    }
    if (e.step == "upload") {  // byte progress of the current upload
      if (tty && e.total > 0)
        std::cerr << fmt::format("\r{}: {} of {}   ", e.channel, human_bytes(e.sent),
                                 human_bytes(e.total))
                  << std::flush;
      return;
    }
    std::cerr << (tty ? "\r\033[K" : "") << e.channel << ": " << e.step << '\n';
  };
}

void print_channel(const ChannelReport& c) {
  for (const std::string& n : c.notes) std::cout << "  " << c.channel << ": " << n << '\n';
  for (const Finding& f : c.findings) {
    if (f.pending) {
      std::cout << fmt::format("  {}: pending: {}: {} (run saluran verify later)\n", c.channel,
                               f.what, f.found.empty() ? "still processing" : f.found);
      continue;
    }
    std::cout << fmt::format("  {}: finding: {}: sent {}, the channel shows {}\n", c.channel,
                             f.what, f.expected.empty() ? "-" : f.expected,
                             f.found.empty() ? "-" : f.found);
  }
  if (c.error) std::cerr << "error: " << c.channel << ": " << c.error->message << '\n';
}

void print_summary(const PublishStoryResult& r, bool verify_only) {
  std::vector<std::vector<std::string>> rows = {
      {"CHANNEL", "KIND", "STATE", "MEDIA", "SENT", "VERIFY", "TIME", "ADDRESS"}};
  for (const ChannelReport& c : r.publish.channels) {
    int sent = 0;
    for (const MediaReport& m : c.media) sent += m.sent ? 1 : 0;
    std::size_t pending = 0;
    for (const Finding& f : c.findings) pending += f.pending ? 1 : 0;
    const std::string verify = !c.verified          ? "-"
                               : c.findings.empty() ? "ok"
                               : pending == c.findings.size()
                                   ? "pending"
                                   : fmt::format("{} findings", c.findings.size() - pending);
    rows.push_back({c.channel, channel_kind_name(c.kind), channel_state_name(c.state),
                    verify_only ? "-" : fmt::format("{} ({} new)", c.media.size(), sent),
                    human_bytes(c.bytes_sent), verify, fmt::format("{:.1f}s", c.seconds),
                    c.post.url.empty() ? "-" : c.post.url});
  }
  print_columns(rows);
  for (const ChannelReport& c : r.publish.channels) print_channel(c);
}

int render_failures(const RenderResult& render) {
  int failed = 0;
  for (const InputReport& in : render.reports) {
    if (in.error) {
      ++failed;
      std::cerr << "error: " << in.input << ": " << in.error->message << '\n';
    }
    for (const RenditionResult& r : in.renditions) {
      if (r.outcome != Outcome::kFailed || !r.error) continue;
      ++failed;
      std::cerr << fmt::format("error: {} ({}): {}\n", r.input, r.preset, r.error->message);
    }
  }
  return failed;
}

int run_publish(const PublishArgs& args, bool verify_only) {
  PublishStoryRequest req;
  req.story_file = args.story;
  req.library = library_folder(args.library);
  req.render_dir = args.out;
  req.channels_file = args.channels_file;
  req.presets_dir = presets_folder(args.presets);
  req.only_channels = split_names(args.only);
  req.options = {.dry_run = args.dry_run, .update = args.update, .verify = !args.no_verify};
  req.verify_only = verify_only;
  req.on_event = progress_printer(args);
  if (args.verbose) req.log = [](std::string_view line) { std::cerr << line << '\n'; };
  if (!verify_only) note_face_model();
  Result<PublishStoryResult> r = publish_story(req);
  if (!r) {
    std::cerr << "error: " << r.error().to_string() << '\n';
    if (args.json)
      std::cout << nlohmann::json{{"error",
                                   {{"code", error_code_name(r.error().code)},
                                    {"message", r.error().to_string()}}}}
                       .dump()
                << '\n';
    return kExitFatal;
  }
  const int render_failed = render_failures(r->render);
  if (args.json) {
    nlohmann::json channels = nlohmann::json::array();
    for (const ChannelReport& c : r->publish.channels) channels.push_back(report_json(c));
    std::cout << nlohmann::json{{"event", "result"},
                                {"story", r->plan.story.slug},
                                {"channels", channels},
                                {"render_failed", render_failed},
                                {"plan_seconds", r->plan_seconds},
                                {"render_seconds", r->render_seconds},
                                {"all_good", r->publish.all_good()}}
                     .dump()
              << '\n';
  } else {
    print_summary(*r, verify_only);
  }
  return r->publish.all_good() && render_failed == 0 ? kExitOk : kExitSomeFailed;
}

void add_common(CLI::App* cmd, PublishArgs& args) {
  cmd->add_option("STORY", args.story, "The story manifest (story.toml)")->required();
  cmd->add_option("--library", args.library,
                  "The library folder (default: $SALURAN_LIBRARY, else ./library)");
  cmd->add_option("-o,--out", args.out,
                  "Where the renditions are made and found (default: renditions beside the story)");
  cmd->add_option("--channels-file", args.channels_file,
                  "channels.toml to use (default: beside the story, $SALURAN_CHANNELS, or "
                  "~/.config/saluran/channels.toml)");
  cmd->add_option("--channels", args.only, "Only these channels, by name: website,radio");
  cmd->add_option("--presets", args.presets, "Folder of your own presets");
  cmd->add_flag("--json", args.json, "One JSON object a line: progress events, then the result");
  cmd->add_flag("-q,--quiet", args.quiet, "No progress lines");
  cmd->add_flag("-v,--verbose", args.verbose,
                "Show every HTTP request and answer (passwords shown as <redacted>)");
}

}  // namespace

Runner add_publish_command(CLI::App& app) {
  auto args = std::make_shared<PublishArgs>();
  CLI::App* cmd = app.add_subcommand(
      "publish",
      "Publish a story to its channels: plan, render what is missing, send each channel once,\n"
      "read every post back and compare it with what was sent.\n"
      "A rerun after a failure or an interruption sends only what is missing; a changed story\n"
      "updates its posts only with --update.\n"
      "Exit: 0 all published and verified; 1 some channel failed, was blocked, changed or has\n"
      "findings; 2 usage; 3 nothing could be done (the story, channels or library unusable).");
  add_common(cmd, *args);
  cmd->add_flag("--dry-run", args->dry_run, "Work everything out, send nothing");
  cmd->add_flag("--update", args->update, "Update posts whose story changed since publishing");
  cmd->add_flag("--no-verify", args->no_verify, "Do not read the posts back");
  return [args] { return run_publish(*args, false); };
}

Runner add_verify_command(CLI::App& app) {
  auto args = std::make_shared<PublishArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Read a published story back from every channel and compare it with what was sent.\n"
      "Exit: 0 all as sent; 1 findings or a channel not published; 3 nothing could be checked.");
  add_common(cmd, *args);
  return [args] { return run_publish(*args, true); };
}

}  // namespace saluran::cli
