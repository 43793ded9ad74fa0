// A folder's readiness: files open for writing from the kernel's events, sizes and times from
// snapshots compared over the settle time.

#include "pipeline/stages/folder_settle.hpp"

#include <fmt/format.h>

#include <chrono>
#include <system_error>

#include "codecs/content_hash.hpp"

namespace saluran {
namespace fs = std::filesystem;
namespace {

// The first file that differs between two snapshots (added, removed or changed).
std::string first_difference(const FolderSnapshot& before, const FolderSnapshot& after) {
  for (const auto& [name, stat] : after) {
    const auto it = before.find(name);
    if (it == before.end() || !(it->second == stat)) return name;
  }
  for (const auto& [name, stat] : before) {
    if (!after.contains(name)) return name;
  }
  return {};
}

// The most recently modified file: what a folder seen for the first time last changed.
std::string newest_file(const FolderSnapshot& snapshot) {
  std::string best;
  std::int64_t when = 0;
  for (const auto& [name, stat] : snapshot) {
    if (best.empty() || stat.mtime_ns > when) {
      best = name;
      when = stat.mtime_ns;
    }
  }
  return best;
}

}  // namespace

Result<FolderSnapshot> scan_folder(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    return make_error(ErrorCode::kNotFound, "the folder is gone", folder.string());
  }
  FolderSnapshot snap;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  for (const fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
    std::error_code fe;
    if (!it->is_regular_file(fe) || it->is_symlink(fe)) continue;
    const auto size = it->file_size(fe);
    const auto mtime = it->last_write_time(fe);
    if (fe) continue;  // removed while listed
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch());
    snap[fs::relative(it->path(), folder).string()] = FileStat{size, ns.count()};
  }
  if (ec && !fs::is_directory(folder)) {
    return make_error(ErrorCode::kNotFound, "the folder is gone", folder.string());
  }
  return snap;
}

std::string snapshot_fingerprint(const FolderSnapshot& snapshot) {
  std::string text;
  for (const auto& [name, stat] : snapshot) {
    text += fmt::format("{}\t{}\t{}\n", name, stat.size, stat.mtime_ns);
  }
  return hash64_hex(text);
}

std::uint64_t snapshot_bytes(const FolderSnapshot& snapshot) {
  std::uint64_t total = 0;
  for (const auto& [name, stat] : snapshot) total += stat.size;
  return total;
}

void FolderSettling::on_written(const std::string& file) { open_.insert(file); }

void FolderSettling::on_closed(const std::string& file) { open_.erase(file); }

void FolderSettling::on_removed(const std::string& file) {
  // A folder removed takes the files under it along.
  const std::string prefix = file + "/";
  std::erase_if(open_, [&](const std::string& f) { return f == file || f.starts_with(prefix); });
}

void FolderSettling::on_changed(const std::string& file, double now) {
  last_change_ = now;
  if (!file.empty()) last_file_ = file;
}

Readiness FolderSettling::observe(const FolderSnapshot& snapshot, double now) {
  if (!seen_) {
    seen_ = true;
    last_ = snapshot;
    last_change_ = now;
    last_file_ = newest_file(snapshot);
  } else if (snapshot != last_) {
    last_file_ = first_difference(last_, snapshot);
    last_ = snapshot;
    last_change_ = now;
  }
  Readiness r;
  if (snapshot.empty()) {
    r.wait = Readiness::Wait::kEmpty;
    r.message = "no files in it yet";
    return r;
  }
  if (!open_.empty()) {
    r.wait = Readiness::Wait::kWriting;
    r.file = *open_.begin();
    r.message = fmt::format("{} is still being written", r.file);
    if (open_.size() > 1) r.message += fmt::format(" (and {} more)", open_.size() - 1);
    return r;
  }
  const double left = settle_ - (now - last_change_);
  if (left > 0) {
    r.wait = Readiness::Wait::kSettling;
    r.file = last_file_;
    r.seconds = left;
    r.message = fmt::format("files must stay unchanged for {:g} s (last change: {})", settle_,
                            r.file.empty() ? "a file removed" : r.file);
    return r;
  }
  r.ready = true;
  return r;
}

}  // namespace saluran
