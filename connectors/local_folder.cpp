// Local folders as channel destinations. The copy hashes while it writes (copy_and_hash), so the
// hash recorded for verify is the hash of the bytes that reached the folder.

#include "connectors/local_folder.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

std::string megabytes(std::uint64_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

std::optional<std::uint64_t> free_bytes(const fs::path& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
}

Error full_error(const ChannelConfig& channel, const char* what, const fs::path& dir,
                 std::uint64_t needed) {
  const auto left = free_bytes(dir);
  Error e = make_error(
      ErrorCode::kIo,
      fmt::format("channel {}: the {} {} is full{}: free space there (or ask whoever looks after "
                  "it), then run publish again",
                  channel.name, what, dir.string(),
                  needed > 0 ? fmt::format(" ({} needed, {} free)", megabytes(needed),
                                           megabytes(left.value_or(0)))
                             : ""));
  e.context.channel = channel.name;
  e.context.file = dir.string();
  return e;
}

RemoteItem item_for(const fs::path& file, const std::string& name, const std::string& hash,
                    std::uint64_t bytes) {
  RemoteItem item;
  item.id = name;
  item.name = name;
  item.url = file.string();
  item.detail = nlohmann::json{{"hash", hash}, {"bytes", bytes}}.dump();
  return item;
}

}  // namespace

Error folder_error(const ChannelConfig& channel, const char* what, const fs::path& dir,
                   const Error& error) {
  if (error.message.find("disk is full") != std::string::npos) {
    return full_error(channel, what, dir, 0);
  }
  std::string fix = "check that it exists and that you may write there";
  if (error.code == ErrorCode::kPermission) {
    fix = fmt::format(
        "give this user write permission there (e.g. `chmod u+w {}`) or change "
        "path in {}",
        dir.string(), channel.file.empty() ? "channels.toml" : channel.file.string());
  } else if (error.code == ErrorCode::kNotFound) {
    fix = "create the folder, mount the share it is on, or change path in channels.toml";
  }
  Error e =
      make_error(error.code, fmt::format("channel {}: cannot write into the {} {} ({}): {}",
                                         channel.name, what, dir.string(), error.message, fix));
  e.context.channel = channel.name;
  e.context.file = dir.string();
  return e;
}

Result<RemoteItem> copy_into(const ChannelConfig& channel, const char* what, const fs::path& source,
                             const fs::path& dir, const std::string& name,
                             const CopyProgressFn& progress) {
  std::error_code ec;
  const std::uint64_t size = fs::file_size(source, ec);
  if (ec) return errno_error(ec.value(), "read the rendition", source.string());
  fs::create_directories(dir, ec);
  if (ec) return folder_error(channel, what, dir, errno_error(ec.value(), "create", dir.string()));
  // Refused before writing when it cannot fit: a clear message instead of a half-written copy.
  if (const auto left = free_bytes(dir); left && *left < size) {
    return full_error(channel, what, dir, size);
  }
  const fs::path target = dir / name;
  const std::string temp = temp_path_beside(target.string(), "part");
  auto copied = copy_and_hash(source.string(), temp, [&](std::uint64_t done) {
    if (progress) progress(done, size);
  });
  if (!copied) {
    fs::remove(temp, ec);
    if (copied.error().context.file == source.string()) return copied.error();
    if (copied.error().message.find("disk is full") != std::string::npos)
      return full_error(channel, what, dir, size);
    return folder_error(channel, what, dir, copied.error());
  }
  // Replaces an older file of that name (a rendition made again): rename is atomic.
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    fs::remove(temp, ec);
    return folder_error(channel, what, dir, errno_error(err, "move into place", target.string()));
  }
  if (Status st = fsync_dir(dir.string()); !st) return folder_error(channel, what, dir, st.error());
  return item_for(target, name, copied->hash, copied->bytes);
}

Result<std::optional<RemoteItem>> find_copy(const fs::path& source, const fs::path& dir,
                                            const std::string& name) {
  const fs::path target = dir / name;
  std::error_code ec;
  if (!fs::is_regular_file(target, ec)) return std::optional<RemoteItem>{};
  const std::uint64_t size = fs::file_size(target, ec);
  if (ec || size != fs::file_size(source, ec) || ec) return std::optional<RemoteItem>{};
  auto there = hash_file(target.string());
  if (!there) return there.error();
  auto here = hash_file(source.string());
  if (!here) return here.error();
  if (*there != *here) return std::optional<RemoteItem>{};
  return std::optional<RemoteItem>(item_for(target, name, *there, size));
}

Status check_folder(const ChannelConfig& channel, const char* what, const fs::path& dir,
                    bool may_create) {
  std::error_code ec;
  fs::path probe_dir = dir;
  if (!fs::exists(dir, ec)) {
    if (!may_create || !fs::is_directory(dir.parent_path(), ec)) {
      return folder_error(channel, what, dir,
                          make_error(ErrorCode::kNotFound, "it does not exist", dir.string()));
    }
    probe_dir = dir.parent_path();  // made on the first publish
  } else if (!fs::is_directory(dir, ec)) {
    return folder_error(channel, what, dir,
                        make_error(ErrorCode::kInvalidArgument, "it is not a folder"));
  }
  // Writing is the only honest test: access() says yes to root on a read-only mount.
  const std::string probe = temp_path_beside((probe_dir / "saluran-test").string(), "probe");
  const std::uint8_t byte = 0;
  Status st = write_file_synced(probe, std::span<const std::uint8_t>(&byte, 1));
  fs::remove(probe, ec);
  if (!st) return folder_error(channel, what, dir, st.error());
  return Ok{};
}

}  // namespace saluran
