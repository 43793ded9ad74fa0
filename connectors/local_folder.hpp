#pragma once
// What the local connectors (playout, folder site) share: files copied into a folder under a
// temporary name and renamed, found again by name and content hash, and folder errors worded
// for the office ("channel radio: the playout folder ... is full: free space there ...").
//
//   auto item = copy_into(channel, "playout folder", media.file, dir, media.upload_name, progress);

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "connectors/connector.hpp"
#include "pipeline/model/channel.hpp"
#include "pipeline/model/error.hpp"

namespace saluran {

/// Bytes copied so far of `total`.
using CopyProgressFn = std::function<void(std::uint64_t sent, std::uint64_t total)>;

/// Copies `source` to `dir/name`: written under a dot-name in `dir`, flushed, then renamed over
/// any older file of that name, so a reader of the folder never sees half a file. The item's id
/// and name are `name`, its url the final path, its detail {"hash","bytes"}. `what` names the
/// folder in messages ("playout folder").
Result<RemoteItem> copy_into(const ChannelConfig& channel, const char* what,
                             const std::filesystem::path& source, const std::filesystem::path& dir,
                             const std::string& name, const CopyProgressFn& progress);

/// The file `dir/name` as a RemoteItem when it exists with the same size and content hash as
/// `source`; nullopt when it is absent or differs.
Result<std::optional<RemoteItem>> find_copy(const std::filesystem::path& source,
                                            const std::filesystem::path& dir,
                                            const std::string& name);

/// Checks that `dir` is a folder this process can write in (by creating and removing a small
/// file); with `may_create`, an absent `dir` whose parent is writable passes too. The error
/// names the channel, the folder and the fix.
Status check_folder(const ChannelConfig& channel, const char* what,
                    const std::filesystem::path& dir, bool may_create);

/// `error` (from writing into `dir`) as one line for the office: the channel, the folder and
/// what to do (free space, fix the permissions, mount the share).
Error folder_error(const ChannelConfig& channel, const char* what, const std::filesystem::path& dir,
                   const Error& error);

}  // namespace saluran
