#include "pipeline/stages/render_commit.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"
#include "pipeline/stages/check.hpp"

namespace saluran {
namespace fs = std::filesystem;

void discard_output(const std::string& temp, const Error& error, RenditionResult& r) {
  std::error_code ec;
  fs::remove(temp, ec);
  r.outcome = Outcome::kFailed;
  r.error = error;
}

void commit_checked(const std::string& temp, const Preset& preset, FolderSync sync,
                    RenditionResult& r) {
  // Checked under its temporary name: only a file the channel accepts gets the real one.
  auto check = check_output(temp, preset);
  if (!check) return discard_output(temp, check.error(), r);
  check->file = r.output;
  r.check = std::move(*check);
  if (!r.check->passed()) {
    return discard_output(
        temp,
        make_error(ErrorCode::kInvalidArgument,
                   fmt::format("does not meet {}'s limits: {}", preset.name, r.check->failures()),
                   r.output, "check"),
        r);
  }
  if (std::rename(temp.c_str(), r.output.c_str()) != 0)
    return discard_output(temp, errno_error(errno, "rename", r.output), r);
  if (sync == FolderSync::kNow) {
    if (Status st = fsync_dir(fs::path(r.output).parent_path().string()); !st)
      return discard_output(temp, st.error(), r);
  }
  r.outcome = Outcome::kMade;
}

}  // namespace saluran
