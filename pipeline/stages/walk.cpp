#include "pipeline/stages/walk.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>

namespace saluran {
namespace {

namespace fs = std::filesystem;

void collect(const fs::path& root, std::vector<WalkEntry>& out) {
  std::error_code ec;
  std::vector<fs::path> children;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    children.push_back(it->path());
  }
  if (ec) {
    WalkEntry e;
    e.path = root.string();
    e.error = make_error(ErrorCode::kPermission,
                         fmt::format("cannot list folder: {}", ec.message()), root.string());
    out.push_back(std::move(e));
    return;
  }
  std::sort(children.begin(), children.end());
  for (const fs::path& child : children) {
    const fs::file_status st = fs::symlink_status(child, ec);
    if (fs::is_symlink(st)) {
      out.push_back(WalkEntry{child.string(), false, "symbolic link (not followed)", {}});
    } else if (fs::is_directory(st)) {
      collect(child, out);
    } else if (fs::is_regular_file(st)) {
      out.push_back(WalkEntry{child.string(), false, {}, {}});
    }
  }
}

}  // namespace

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

std::map<std::size_t, std::size_t> pair_by_stem(
    const std::vector<std::string>& paths, const std::function<bool(std::size_t)>& is_main,
    const std::function<bool(std::size_t)>& is_sidecar) {
  auto stem_key = [&](std::size_t i) {
    const fs::path p(paths[i]);
    return (p.parent_path() / p.stem()).string();
  };
  std::map<std::string, std::size_t> mains;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (is_main(i)) mains.emplace(stem_key(i), i);
  }
  std::map<std::size_t, std::size_t> pairs;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (!is_sidecar(i)) continue;
    if (auto it = mains.find(stem_key(i)); it != mains.end()) pairs.emplace(i, it->second);
  }
  return pairs;
}

std::vector<WalkEntry> walk_paths(const std::vector<std::string>& paths) {
  std::vector<WalkEntry> entries;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      WalkEntry e;
      e.path = p;
      e.explicit_file = true;
      e.error = make_error(ErrorCode::kNotFound, "no such file or folder", p);
      entries.push_back(std::move(e));
    } else if (fs::is_directory(st)) {
      collect(p, entries);
    } else {
      entries.push_back(WalkEntry{p, true, {}, {}});
    }
  }
  return entries;
}

}  // namespace saluran
