// The playout drop folder: files only, placed atomically and checked by content hash.

#include "connectors/playout.hpp"

#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "codecs/file_copy.hpp"
#include "connectors/local_folder.hpp"

namespace saluran {
namespace {

constexpr const char* kWhat = "playout folder";

}  // namespace

PlayoutConnector::PlayoutConnector(ChannelConfig channel, ConnectorContext context)
    : channel_(std::move(channel)), context_(std::move(context)) {}

Status PlayoutConnector::test() { return check_folder(channel_, kWhat, channel_.path, false); }

Result<std::optional<RemoteItem>> PlayoutConnector::find_media(const PlannedMedia& media) {
  return find_copy(media.file, channel_.path, media.upload_name);
}

Result<RemoteItem> PlayoutConnector::upload_media(const ChannelPlan&, const PlannedMedia& media) {
  // The drop folder is the station's: it is not created here, a missing one is a missing mount.
  std::error_code ec;
  if (!std::filesystem::is_directory(channel_.path, ec)) {
    return folder_error(channel_, kWhat, channel_.path,
                        make_error(ErrorCode::kNotFound, "it does not exist"));
  }
  return copy_into(channel_, kWhat, media.file, channel_.path, media.upload_name,
                   context_.progress);
}

// A playout folder has no post to find: the clips are the publication, and put_post (which
// only names the folder) is safe to repeat.
Result<std::optional<RemoteItem>> PlayoutConnector::find_post(const ChannelPlan&,
                                                              const std::string&) {
  return std::optional<RemoteItem>{};
}

Result<RemoteItem> PlayoutConnector::put_post(const ChannelPlan&, const std::string& slug,
                                              const std::vector<RemoteItem>&,
                                              const std::optional<RemoteItem>&) {
  RemoteItem folder;
  folder.id = slug;
  folder.name = slug;
  folder.url = channel_.path.string();
  return folder;
}

Result<std::vector<Finding>> PlayoutConnector::verify(const ChannelPlan& plan, const RemoteItem&,
                                                      const std::vector<RemoteItem>&) {
  std::vector<Finding> findings;
  for (const PlannedMedia& m : plan.media) {
    const std::filesystem::path there = channel_.path / m.upload_name;
    auto expected = hash_file(m.file.string());
    if (!expected) return expected.error();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(there, ec)) {
      findings.push_back({there.string(), "content hash " + *expected, "no such file"});
      continue;
    }
    auto found = hash_file(there.string());
    if (!found) return found.error();
    if (*found != *expected) {
      findings.push_back({there.string(), "content hash " + *expected, "content hash " + *found});
    }
  }
  return findings;
}

}  // namespace saluran
