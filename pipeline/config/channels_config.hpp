#pragma once
// channels.toml: the office's channels, read into ChannelConfig values and written back by
// `saluran channels add/remove`. Found beside the story, in $SALURAN_CHANNELS, or in
// ~/.config/saluran/channels.toml (in that order). Secrets are not in this file: see
// connectors/credentials.hpp.

#include <filesystem>
#include <optional>
#include <vector>

#include "pipeline/model/channel.hpp"
#include "pipeline/model/error.hpp"

namespace saluran {

/// The channels file to use for a story in `story_dir` (empty: no story): story_dir/channels.toml,
/// then $SALURAN_CHANNELS, then $XDG_CONFIG_HOME (or ~/.config)/saluran/channels.toml; nullopt
/// when none exists.
std::optional<std::filesystem::path> find_channels_file(const std::filesystem::path& story_dir);

/// The file `channels add` writes to when none exists yet ($SALURAN_CHANNELS, else the user's
/// config folder).
std::filesystem::path default_channels_file();

/// Every channel of `file`, validated: unknown keys, a missing url/path for the kind, and
/// duplicate names are errors naming the file, the line and the key.
Result<std::vector<ChannelConfig>> load_channels(const std::filesystem::path& file);

/// Checks one channel's values as load_channels does (its name, what its kind needs, URLs,
/// variable names), for `channels add`; the error names the channel and the key.
Status validate_channel(const ChannelConfig& channel);

/// Writes `channels` to `file` atomically (temporary name, then rename), keeping it readable.
Status save_channels(const std::filesystem::path& file, const std::vector<ChannelConfig>& channels);

}  // namespace saluran
