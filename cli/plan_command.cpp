// `saluran plan STORY`: per channel, the renditions it needs (made or to make), the text exactly
// as it will appear, and what is wrong, before anything is sent.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "cli/preset_options.hpp"
#include "pipeline/config/channels_config.hpp"
#include "pipeline/model/enum_names.hpp"
#include "pipeline/ops/post_text.hpp"
#include "pipeline/stages/plan.hpp"
#include "pipeline/stages/story_parse.hpp"

namespace saluran::cli {
namespace {

namespace fs = std::filesystem;

struct PlanArgs {
  std::string story;
  std::vector<std::string> channels;
  std::string library;
  std::string out;
  std::string presets_dir;
  bool json = false;
};

void print_block(const std::string& label, const std::string& text) {
  std::cout << "  " << label << '\n';
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t eol = text.find('\n', at);
    if (eol == std::string::npos) eol = text.size();
    std::cout << "    | " << text.substr(at, eol - at) << '\n';
    at = eol + 1;
  }
}

std::string limit_text(std::size_t used, std::size_t limit) {
  return limit > 0 ? fmt::format("{} of {} characters", used, limit)
                   : fmt::format("{} characters", used);
}

void print_text(const ChannelPlan& c) {
  const PostText& t = c.text;
  std::cout << "  title: " << t.title
            << (c.limits.title_chars > 0
                    ? fmt::format(" ({})",
                                  limit_text(count_code_points(t.title), c.limits.title_chars))
                    : "")
            << '\n';
  if (!t.excerpt.empty() && c.limits.html_body) std::cout << "  excerpt: " << t.excerpt << '\n';
  if (!t.body.empty()) print_block("body (HTML):", t.body);
  if (!t.caption.empty())
    print_block(fmt::format("caption ({}):",
                            limit_text(count_code_points(t.caption), c.limits.caption_chars)),
                t.caption);
}

void print_problems(const std::vector<PlanProblem>& problems, const std::string& indent) {
  for (const PlanProblem& p : problems)
    std::cout << indent << (p.blocking ? "problem: " : "note: ") << p.message << '\n';
}

void print_channel(const ChannelPlan& c) {
  std::cout << fmt::format("\n== {} ({})\n", c.channel.name, channel_kind_name(c.channel.kind));
  print_text(c);
  if (c.media.empty()) std::cout << "  media: none\n";
  for (const PlannedMedia& m : c.media) {
    std::cout << fmt::format("  {:<8} {:<20} {:<8} {}  <- {}  (upload as {})\n",
                             media_role_name(m.role), m.preset, m.made ? "made" : "to make",
                             m.file.string(), m.source.filename().string(), m.upload_name);
    if (!m.copy_note.empty()) std::cout << "           " << m.copy_note << '\n';
    if (!m.shared_note.empty()) std::cout << "           " << m.shared_note << '\n';
  }
  print_problems(c.problems, "  ");
}

// The render commands that make what is still missing, one per source.
void print_render_hint(const PublishPlan& plan, const fs::path& out) {
  std::map<std::string, std::set<std::string>> missing;
  for (const ChannelPlan& c : plan.channels)
    for (const PlannedMedia& m : c.media)
      if (!m.made) missing[m.source.string()].insert(m.preset);
  if (missing.empty()) return;
  std::cout << "\nTo make the missing renditions:\n";
  for (const auto& [source, presets] : missing) {
    std::string list;
    for (const std::string& p : presets) list += (list.empty() ? "" : ",") + p;
    std::cout << fmt::format("  saluran render {} -p {} -o {}\n", source, list, out.string());
  }
}

void print_plan(const PublishPlan& plan, const fs::path& out) {
  const Story& s = plan.story;
  std::cout << fmt::format("Story: {}\n  slug {}, {}{}, renditions in {}\n", s.title, s.slug,
                           post_status_name(s.status),
                           s.schedule.empty() ? "" : " at " + s.schedule, out.string());
  print_problems(plan.problems, "  ");
  for (const ChannelPlan& c : plan.channels) print_channel(c);
  print_render_hint(plan, out);
  std::size_t blocking = 0;
  for (const PlanProblem& p : plan.problems) blocking += p.blocking;
  for (const ChannelPlan& c : plan.channels)
    for (const PlanProblem& p : c.problems) blocking += p.blocking;
  if (blocking > 0)
    std::cout << fmt::format("\n{} problem{} to fix before publishing.\n", blocking,
                             blocking == 1 ? "" : "s");
  else
    std::cout << fmt::format("\nReady: {} channel{}; '{}' stands for the website post's link.\n",
                             plan.channels.size(), plan.channels.size() == 1 ? "" : "s",
                             kLinkPlaceholder);
}

// The channels of channels.toml; none (and a note) when no file is found.
std::optional<std::vector<ChannelConfig>> channels_for(const fs::path& story_file) {
  const auto file = find_channels_file(fs::absolute(story_file).parent_path());
  if (!file) {
    std::cerr << "note: no channels.toml beside the story, in $SALURAN_CHANNELS or in "
                 "~/.config/saluran: no channel is configured\n";
    return std::vector<ChannelConfig>{};
  }
  auto channels = load_channels(*file);
  if (!channels) {
    std::cerr << "error: " << channels.error().to_string() << '\n';
    return std::nullopt;
  }
  return *channels;
}

int run_plan(const PlanArgs& args) {
  auto story = parse_story(args.story);
  if (!story) {
    std::cerr << "error: " << story.error().to_string() << '\n';
    return kExitFatal;
  }
  for (const std::string& c : args.channels) {
    if (std::find(story->channels.begin(), story->channels.end(), c) == story->channels.end()) {
      std::cerr << fmt::format("error: --channels {}: the story does not post there\n", c);
      return kExitUsage;
    }
  }
  const auto channels = channels_for(fs::absolute(args.story));
  if (!channels) return kExitFatal;
  auto presets = PresetCatalog::load(presets_folder(args.presets_dir));
  if (!presets) {
    std::cerr << "error: " << presets.error().to_string() << '\n';
    return kExitFatal;
  }
  const std::string library = library_folder(args.library);
  std::optional<Catalog> catalog = open_library_catalog(library);
  if (!catalog) return kExitFatal;
  const fs::path out =
      args.out.empty() ? fs::path(args.story).parent_path() / "renditions" : fs::path(args.out);
  PlanInputs in{*story, *channels, *catalog, library, *presets, out, args.channels};
  auto plan = make_plan(in);
  if (!plan) {
    std::cerr << "error: " << plan.error().to_string() << '\n';
    return kExitFatal;
  }
  if (args.json)
    std::cout << plan_json(*plan).dump(2) << '\n';
  else
    print_plan(*plan, out);
  return has_blocking_problem(*plan) ? kExitSomeFailed : kExitOk;
}

}  // namespace

Runner add_plan_command(CLI::App& app) {
  auto args = std::make_shared<PlanArgs>();
  CLI::App* sub = app.add_subcommand(
      "plan",
      "Show what publishing STORY will do, per channel: the renditions it needs (made or to\n"
      "make), the text exactly as it will appear (cut to the channel's limits at a word\n"
      "boundary, hashtags placed, {link} where the website post's link goes), whether a video\n"
      "is copied from its source or encoded (pass-through) and which channels share one encode,\n"
      "and what is wrong\n"
      "(a missing cover, a caption over the limit, a clip too long, TODO text, a channel not in\n"
      "channels.toml). Nothing is rendered or sent.\n"
      "Exit code: 0 ready, 1 problems to fix, 2 usage, 3 the story, channels or library cannot\n"
      "be read.");
  sub->add_option("story", args->story, "The story.toml")->required();
  sub->add_option("--channels", args->channels, "Only these of the story's channels: a,b")
      ->delimiter(',');
  sub->add_option("--library", args->library,
                  "Library folder (default: $SALURAN_LIBRARY, else ./library)");
  sub->add_option("-o,--output", args->out,
                  "Renditions folder, as given to 'saluran render -o' (default: renditions beside "
                  "the story)");
  sub->add_option(
      "--presets", args->presets_dir,
      "User presets folder (default: $SALURAN_PRESETS, else ~/.config/saluran/presets)");
  sub->add_flag("--json", args->json, "Write the plan as JSON for scripts");
  return [args] { return run_plan(*args); };
}

}  // namespace saluran::cli
