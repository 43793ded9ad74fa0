// `saluran story new --from-run LAST|ID`: a starting story.toml from one ingest run (SOP step 3:
// choosing the content from the inventory).

#include <fmt/format.h>

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "cli/commands.hpp"
#include "cli/library_access.hpp"
#include "pipeline/config/channels_config.hpp"
#include "pipeline/stages/story_new.hpp"

namespace saluran::cli {
namespace {

namespace fs = std::filesystem;

struct StoryNewArgs {
  std::string from_run;
  std::string out = "story.toml";
  std::string library;
  std::vector<std::string> channels;
  bool force = false;
};

// "LAST" (any case) is the newest run; else a run number from 1.
std::optional<std::optional<std::int64_t>> run_of(const std::string& text) {
  std::string upper = text;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "LAST") return std::optional<std::int64_t>{};
  std::int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || n > 1'000'000'000) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (text.empty() || n < 1) return std::nullopt;
  return std::optional<std::int64_t>{n};
}

// The channel names of the channels.toml found for a story in `dir`; none when there is none.
std::vector<std::string> configured_channels(const fs::path& dir) {
  std::vector<std::string> names;
  const auto file = find_channels_file(dir);
  if (!file) return names;
  auto channels = load_channels(*file);
  if (!channels) {
    std::cerr << "warning: " << channels.error().to_string() << " (channels left empty)\n";
    return names;
  }
  for (const ChannelConfig& c : *channels) names.push_back(c.name);
  return names;
}

// Writes `text` to `file` through a temporary name, so that a failed write leaves nothing half.
Status write_text(const fs::path& file, const std::string& text) {
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return make_error(ErrorCode::kIo, "cannot write the file", tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) return make_error(ErrorCode::kIo, "cannot rename: " + ec.message(), file.string());
  return Ok{};
}

int run_story_new(const StoryNewArgs& args) {
  const auto run = run_of(args.from_run);
  if (!run) {
    std::cerr << fmt::format("error: --from-run '{}' is not LAST nor a run number from 1\n",
                             args.from_run);
    return kExitUsage;
  }
  const fs::path out(args.out);
  std::error_code ec;
  if (fs::exists(out, ec) && !args.force) {
    std::cerr << fmt::format(
        "error: {} exists already: give --force to replace it, or -o "
        "another file\n",
        out.string());
    return kExitFatal;
  }
  const std::string library = library_folder(args.library);
  std::optional<Catalog> catalog = open_library_catalog(library);
  if (!catalog) return kExitFatal;
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  const std::vector<std::string> channels =
      args.channels.empty() ? configured_channels(dir) : args.channels;
  auto draft = draft_story(*catalog, library, *run, channels);
  if (!draft) {
    std::cerr << "error: " << draft.error().to_string() << '\n';
    return kExitFatal;
  }
  if (Status w = write_text(out, draft->text); !w) {
    std::cerr << "error: " << w.error().to_string() << '\n';
    return kExitFatal;
  }
  for (const std::string& note : draft->notes) std::cerr << "note: " << note << '\n';
  std::size_t dups = 0;
  for (const PhotoRank& p : draft->photos) dups += !p.duplicate_of.empty();
  std::cout << fmt::format(
      "{}: drafted from ingest run {}: {} media chosen of {} photos ({} near-duplicates left out) "
      "and the clips and recordings; write the TODO parts, then: saluran plan {}\n",
      out.string(), draft->run, draft->story.media.size(), draft->photos.size(), dups,
      out.string());
  return kExitOk;
}

}  // namespace

Runner add_story_command(CLI::App& app) {
  auto args = std::make_shared<StoryNewArgs>();
  CLI::App* sub = app.add_subcommand("story", "Draft and manage stories (story.toml)");
  sub->require_subcommand(1);
  CLI::App* add = sub->add_subcommand(
      "new",
      "Write a starting story.toml from what one ingest run brought in: the best photos first\n"
      "(sharp, with faces, near-duplicates left out; the first is the cover), the first clip as\n"
      "the main video and the first recording as the radio sound; the rest are offered as\n"
      "commented-out [[media]] tables. Title, summary and body are TODO placeholders that\n"
      "'saluran plan' reports until they are written. Channels: --channels, else every channel\n"
      "of the channels.toml found for the story.\n"
      "Exit code: 0 written, 2 usage, 3 nothing written (no run, file exists, no catalog).");
  add->add_option("--from-run", args->from_run, "LAST (the newest run) or a run number")
      ->required();
  add->add_option("-o,--output", args->out, "The story file to write (default: story.toml)");
  add->add_option("--library", args->library,
                  "Library folder (default: $SALURAN_LIBRARY, else ./library)");
  add->add_option("--channels", args->channels, "Channels to post to: --channels website,radio")
      ->delimiter(',');
  add->add_flag("--force", args->force, "Replace the output file when it exists");
  return [args] { return run_story_new(*args); };
}

}  // namespace saluran::cli
