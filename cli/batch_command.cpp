// `saluran batch DIR...`: the whole SOP over folders from one command (pipeline/stages/batch).
// A status line on a terminal (overall and the current item, with rate and ETA), plain lines
// otherwise, JSON events with --json; a table per folder at the end.

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "cli/preset_options.hpp"
#include "cli/text_output.hpp"
#include "pipeline/run/cancel.hpp"
#include "pipeline/run/progress_rate.hpp"
#include "pipeline/stages/batch.hpp"

namespace saluran::cli {
namespace {

struct BatchArgs {
  std::vector<std::string> folders;
  std::string library;
  std::string out;
  std::string channels;
  std::string channels_file;
  std::string story;
  std::string presets;
  std::string shard;
  int shards = 0;
  int jobs = 0;
  std::string name;
  bool publish = false;
  bool update = false;
  bool json = false;
  bool quiet = false;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c != ',') {
      if (c != ' ') cur += c;
      continue;
    }
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  }
  return out;
}

std::string clock_text(double s) {
  const int t = static_cast<int>(s + 0.5);
  return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
                   : fmt::format("{}:{:02}", t / 60, t % 60);
}

// The progress display: JSON lines, a redrawn status line on a terminal, or plain lines.
class Progress {
 public:
  Progress(bool json, bool quiet) : json_(json), quiet_(quiet), tty_(::isatty(2) != 0) {}

  void operator()(const BatchEvent& e) {
    if (json_) return print_json(e);
    if (quiet_) return;
    if (e.kind == BatchEvent::Kind::kFolderStart) {
      folder_index_ = e.folder_index;
      folder_count_ = e.folder_count;
      folder_ = e.folder;
    }
    if (e.kind == BatchEvent::Kind::kStage) {
      stage_ = e.stage;
      rate_.restart(Clock::now(), 0);
      line(fmt::format("{}: {}", folder_, stage_words(e.stage)));
    } else if (e.kind == BatchEvent::Kind::kItem && e.outcome == "failed") {
      line(fmt::format("error: {}: {}", e.item, e.message));
    } else if (e.kind == BatchEvent::Kind::kProgress && tty_) {
      status(e);
    }
  }
  void end() {
    if (tty_ && drawn_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  using Clock = std::chrono::steady_clock;

  static std::string stage_words(const std::string& stage) {
    if (stage == "ingest") return "ingesting (inventory)";
    if (stage == "story") return "choosing the content (story)";
    if (stage == "plan") return "planning each channel's post";
    if (stage == "render") return "making each channel's files";
    if (stage == "check") return "checking each file against its channel's limits";
    if (stage == "publish") return "publishing and reading each post back";
    return stage;
  }

  void line(const std::string& text) {
    std::cerr << (tty_ && drawn_ ? "\r\033[K" : "") << text << '\n';
    drawn_ = false;
  }

  void status(const BatchEvent& e) {
    const auto now = Clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(200)) return;
    last_draw_ = now;
    const double part = e.total > 0 ? std::min(1.0, e.done / e.total) : 0;
    const double overall =
        folder_count_ ? (static_cast<double>(folder_index_) + part) / folder_count_ : 0;
    std::string text = fmt::format("[{}/{} {:3.0f}%] {} {}", folder_index_ + 1, folder_count_,
                                   overall * 100, stage_, e.item);
    if (e.total > 0) text += fmt::format(" {:.0f}%", part * 100);
    if (auto r = rate_.rate(e.done, now); r && e.unit == "s") text += fmt::format(" {:.1f}x", *r);
    if (auto r = rate_.rate(e.done, now); r && e.unit == "files")
      text += fmt::format(" {:.1f} files/s", *r);
    if (auto eta = rate_.eta_s(e.done, e.total, now)) text += " ETA " + clock_text(*eta);
    if (text.size() > 110) text = text.substr(0, 107) + "...";
    std::cerr << "\r\033[K" << text << std::flush;
    drawn_ = true;
  }

  void print_json(const BatchEvent& e) const {
    nlohmann::json j = {{"event", batch_event_name(e.kind)}, {"folder", e.folder}};
    if (!e.stage.empty()) j["stage"] = e.stage;
    if (!e.item.empty()) j["item"] = e.item;
    if (!e.outcome.empty()) j["outcome"] = e.outcome;
    if (!e.message.empty()) j["message"] = e.message;
    if (e.total > 0 || e.done > 0)
      j.update({{"done", e.done}, {"total", e.total}, {"unit", e.unit}});
    if (e.kind == BatchEvent::Kind::kFolderStart)
      j.update({{"index", e.folder_index}, {"count", e.folder_count}});
    std::cout << j.dump() << '\n' << std::flush;
  }

  bool json_, quiet_, tty_;
  bool drawn_ = false;
  std::size_t folder_index_ = 0, folder_count_ = 0;
  std::string folder_, stage_;
  ProgressRate rate_;
  Clock::time_point last_draw_{};
};

void print_summary(const BatchResult& r) {
  std::vector<std::vector<std::string>> rows = {
      {"FOLDER", "STORY", "NEW", "FILES", "FAILED", "CHECK", "POSTS", "TIME"}};
  for (const FolderRecord& f : r.record.folders) {
    int failed = 0, checked_bad = 0;
    for (const RenditionRecord& x : f.renditions) {
      failed += x.outcome == "failed";
      checked_bad += x.checked && !x.check_ok;
    }
    const double t = f.times.ingest + f.times.story + f.times.plan + f.times.render +
                     f.times.check + f.times.publish + f.times.verify + f.times.hooks;
    rows.push_back({f.folder, f.error.empty() ? (f.slug + (f.draft ? " (draft)" : "")) : "-",
                    std::to_string(f.copied), std::to_string(f.renditions.size()),
                    std::to_string(failed),
                    checked_bad ? fmt::format("{} failed", checked_bad) : "ok",
                    std::to_string(f.posts.size()), fmt::format("{:.1f}s", t)});
  }
  print_columns(rows);
  for (const FolderRecord& f : r.record.folders) {
    if (!f.error.empty()) std::cerr << "error: " << f.folder << ": " << f.error << '\n';
    for (const RejectRecord& x : f.rejections)
      std::cerr << "error: " << x.path << ": " << x.reason << '\n';
    for (const RenditionRecord& x : f.renditions)
      if (x.outcome == "failed")
        std::cerr << fmt::format("error: {} ({}): {}\n", x.source, x.preset, x.error);
    for (const std::string& p : f.problems) std::cout << "  " << f.folder << ": " << p << '\n';
    for (const PostRecord& p : f.posts)
      std::cout << fmt::format("  {}: {} {}{}\n", p.channel, p.state, p.url,
                               p.error.empty() ? "" : " (" + p.error + ")");
  }
}

Result<BatchRequest> make_request(const BatchArgs& a) {
  BatchRequest req;
  for (const std::string& f : a.folders) req.folders.emplace_back(f);
  req.library = library_folder(a.library);
  req.out_dir = a.out;
  req.channels_file = a.channels_file;
  req.story_file = a.story;
  req.presets_dir = presets_folder(a.presets);
  req.only_channels = split_list(a.channels);
  req.publish = a.publish;
  req.update = a.update;
  req.jobs = a.jobs;
  req.name = a.name;
  if (!a.shard.empty()) {
    Result<Shard> s = parse_shard(a.shard);
    if (!s) return s.error();
    req.shard = *s;
  } else {
    Result<std::optional<Shard>> s =
        shard_from_environment(a.shards > 0 ? std::optional<int>(a.shards) : std::nullopt);
    if (!s) return s.error();
    if (*s) req.shard = **s;
  }
  if (req.shard.count > 1 && req.name.empty() && !std::getenv("SLURM_ARRAY_JOB_ID"))
    return make_error(ErrorCode::kInvalidArgument,
                      "give the batch run a --name when it is split into shards, so the shards "
                      "find each other's work (Slurm arrays use their job id by themselves)");
  return req;
}

int run_batch_command(const BatchArgs& args) {
  Result<BatchRequest> req = make_request(args);
  if (!req) {
    std::cerr << "error: " << req.error().message << '\n';
    return kExitUsage;
  }
  const CancelFlag& flag = cancel_on_signals();
  req->cancel = &flag;
  if (!args.json) note_face_model();
  auto progress = std::make_shared<Progress>(args.json, args.quiet);
  req->on_event = [progress](const BatchEvent& e) { (*progress)(e); };
  const BatchResult r = run_batch(*req);
  progress->end();
  const int code = batch_exit_code(r, &flag);
  const std::string record = (batches_dir(req->library) / r.record.name /
                              fmt::format("shard-{}-of-{}.json", r.record.shard, r.record.shards))
                                 .string();
  if (args.json) {
    std::cout << nlohmann::json{{"event", "result"},
                                {"name", r.record.name},
                                {"record", record},
                                {"done", r.items_done},
                                {"failed", r.items_failed},
                                {"interrupted", r.record.interrupted},
                                {"peak_memory_bytes", r.record.peak_memory_bytes},
                                {"seconds", r.record.seconds},
                                {"exit", code}}
                     .dump()
              << '\n';
    return code;
  }
  if (r.error) std::cerr << "error: " << r.error->to_string() << '\n';
  print_summary(r);
  std::cout << fmt::format("{}{} done, {} failed in {:.1f}s; peak memory {}\n",
                           r.record.interrupted ? cancel_reason(flag) + ": " : "", r.items_done,
                           r.items_failed, r.record.seconds,
                           human_bytes(r.record.peak_memory_bytes));
  std::cout << fmt::format("record: {}\nsee it with: saluran report {}\n", record, r.record.name);
  return code;
}

}  // namespace

Runner add_batch_command(CLI::App& app) {
  auto args = std::make_shared<BatchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "batch",
      "The whole SOP over folders: each top folder (a card, a USB stick, an event's folder) is\n"
      "one story. Ingest it into the library, take its story.toml (or draft one as `story new`\n"
      "does), make every rendition its channels call for, check each file against its channel's\n"
      "limits, and with --publish publish and read each post back. A drafted story is never\n"
      "published: write its TODO parts and run again with --story FILE.\n"
      "A rerun skips what is made (same content, same preset) and never posts twice, so a batch\n"
      "killed at any moment is finished by running it again.\n"
      "Exit: 0 all done; 1 some items failed (the rest is done); 2 usage; 3 nothing could be\n"
      "done; 130/143 interrupted by Ctrl-C/SIGTERM (run it again to finish).");
  cmd->add_option("DIR", args->folders, "Top folders, one story each")->required();
  cmd->add_option("--library", args->library,
                  "The library folder (default: $SALURAN_LIBRARY, else ./library)");
  cmd->add_option("-o,--out", args->out,
                  "Where drafted stories and renditions go (default: LIBRARY/batch), one folder "
                  "per top folder");
  cmd->add_option("--channels", args->channels, "Only these channels, by name: website,radio");
  cmd->add_option("--channels-file", args->channels_file,
                  "channels.toml to use (default: beside the story, $SALURAN_CHANNELS, or "
                  "~/.config/saluran/channels.toml)");
  cmd->add_option("--story", args->story,
                  "One story manifest for all the folders (instead of one story per folder)");
  cmd->add_option("--presets", args->presets, "Folder of your own presets");
  cmd->add_flag("--publish", args->publish, "Publish and verify each story that is not a draft");
  cmd->add_flag("--update", args->update, "Update posts whose story changed since publishing");
  cmd->add_option("-j,--jobs", args->jobs, "Busy threads at most (default: the machine's cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--shard", args->shard,
                  "Take share I of N of the work (I from 0), e.g. 0/4; read from Slurm job arrays "
                  "(SLURM_ARRAY_TASK_ID) or Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX) when "
                  "not given");
  cmd->add_option("--shards", args->shards,
                  "N for a Kubernetes Indexed Job (its completions), when JOB_COMPLETIONS is not "
                  "set")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--name", args->name,
                  "The batch run's name for its record and `saluran report NAME` (default: the "
                  "Slurm array job, else the start time); shards of one run share it");
  cmd->add_flag("--json", args->json, "One JSON object a line: progress events, then the result");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress lines");
  return [args] { return run_batch_command(*args); };
}

}  // namespace saluran::cli
