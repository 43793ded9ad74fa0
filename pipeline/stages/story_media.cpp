// resolve_story_media: a story's media references to catalog assets.

#include "pipeline/stages/story_media.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "pipeline/catalog/inventory_query.hpp"
#include "pipeline/model/enum_names.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

Error ref_error(const Story& story, const StoryMedia& m, const std::string& message) {
  return make_error(ErrorCode::kInvalidArgument, message, story.file.string(),
                    m.line > 0 ? fmt::format("line {}", m.line) : std::string());
}

// The library-relative form of `path`, or nullopt when it lies outside the library.
std::optional<std::string> library_relative(const std::string& path, const std::string& library) {
  const bool from_here = fs::path(path).is_absolute() || path.rfind("./", 0) == 0;
  if (!from_here) return fs::path(path).lexically_normal().generic_string();
  std::error_code ec;
  const fs::path file = fs::weakly_canonical(fs::absolute(path), ec);
  const fs::path root = fs::weakly_canonical(fs::absolute(library), ec);
  const fs::path rel = file.lexically_relative(root);
  if (ec || rel.empty() || *rel.begin() == "..") return std::nullopt;
  return rel.generic_string();
}

Result<std::vector<Asset>> by_path(const Story& story, const StoryMedia& m, Catalog& catalog,
                                   const std::string& library) {
  const auto rel = library_relative(m.path, library);
  if (!rel || rel->rfind("../", 0) == 0)
    return ref_error(story, m,
                     fmt::format("media.path \"{}\" is not in the library {}", m.path, library));
  AssetQuery q;
  q.text = *rel;
  auto found = catalog.list_assets(q);
  if (!found) return found.error();
  for (Asset& a : *found)
    if (a.library_path == *rel) return std::vector<Asset>{std::move(a)};
  std::error_code ec;
  const bool exists = fs::exists(fs::path(library) / *rel, ec);
  return ref_error(story, m,
                   exists ? fmt::format("media.path \"{}\" is a file in the library folder but "
                                        "not in its catalog: ingest it first",
                                        m.path)
                          : fmt::format("media.path \"{}\" matches no file of the library {} "
                                        "(give the path as `saluran inventory` lists it)",
                                        m.path, library));
}

Result<std::vector<Asset>> by_asset(const Story& story, const StoryMedia& m, Catalog& catalog) {
  std::string id = m.asset;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool hex = std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(c); });
  if (!hex || id.size() < 8 || id.size() > 32)
    return ref_error(story, m,
                     fmt::format("media.asset \"{}\" is not an asset id: 8 to 32 hex "
                                 "digits of the content hash (`saluran inventory`)",
                                 m.asset));
  auto all = catalog.list_assets(AssetQuery{});
  if (!all) return all.error();
  std::vector<Asset> hits;
  for (Asset& a : *all)
    if (a.hash.rfind(id, 0) == 0) hits.push_back(std::move(a));
  if (hits.size() == 1) return hits;
  return ref_error(story, m,
                   hits.empty() ? fmt::format("media.asset \"{}\" matches no asset", m.asset)
                                : fmt::format("media.asset \"{}\" matches {} assets: give more "
                                              "digits",
                                              m.asset, hits.size()));
}

Result<std::vector<Asset>> by_query(const Story& story, const StoryMedia& m, Catalog& catalog) {
  InventoryFilters f;
  f.kind = m.query->kind;
  f.device = m.query->device;
  f.from = f.to = m.query->day;
  f.near = m.query->near;
  if (m.query->within_km > 0) f.within = m.query->within_km;
  auto q = parse_inventory_query(f);
  if (!q) return ref_error(story, m, "media.query: " + q.error().message);
  auto found = catalog.list_assets(*q);
  if (!found) return found.error();
  if (found->empty())
    return ref_error(story, m,
                     "media.query matches nothing in the library (try the same filters "
                     "with `saluran inventory`)");
  if (m.role == MediaRole::kCover) found->resize(1);
  return found;
}

// Why `a` cannot serve as `role`; empty when it can.
std::string kind_problem(const Asset& a, MediaRole role) {
  const MediaKind k = a.info.kind;
  const bool ok = role == MediaRole::kVideo ? k == MediaKind::kVideo
                  : role == MediaRole::kRadio
                      ? k == MediaKind::kAudio || (k == MediaKind::kVideo && a.info.audio)
                      : k == MediaKind::kPhoto;
  if (ok) return {};
  return fmt::format(
      "{} is a {}{}, not fit for media.role = \"{}\"", a.library_path, media_kind_name(k),
      k == MediaKind::kVideo && !a.info.audio ? " without sound" : "", media_role_name(role));
}

}  // namespace

MediaResolution resolve_story_media(const Story& story, Catalog& catalog,
                                    const std::string& library) {
  MediaResolution out;
  for (const StoryMedia& m : story.media) {
    auto assets = !m.path.empty()    ? by_path(story, m, catalog, library)
                  : !m.asset.empty() ? by_asset(story, m, catalog)
                                     : by_query(story, m, catalog);
    if (!assets) {
      out.errors.push_back(assets.error());
      continue;
    }
    for (Asset& a : *assets) {
      if (std::string p = kind_problem(a, m.role); !p.empty()) {
        out.errors.push_back(ref_error(story, m, p));
        continue;
      }
      out.media.push_back({m, std::move(a)});
    }
  }
  return out;
}

}  // namespace saluran
