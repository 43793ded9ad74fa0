#pragma once
// A channel's secret (password, Application Password, token): from the environment variable its
// `secret_env` names when that is set, else from the credentials file. The file holds one table
// per channel and must be a regular file of mode 0600 owned by the user; any other file is
// refused with the `chmod 600` fix. Secrets are never printed, logged or stored anywhere else.
//
// Example (~/.config/saluran/credentials.toml, mode 0600):
//   [website]
//   secret = "abcd efgh ijkl mnop qrst uvwx"

#include <filesystem>
#include <string>

#include "pipeline/model/channel.hpp"
#include "pipeline/model/error.hpp"

namespace saluran {

/// The credentials file: $SALURAN_CREDENTIALS, else $XDG_CONFIG_HOME (or
/// ~/.config)/saluran/credentials.toml.
std::filesystem::path credentials_file();

/// Whether channels of `kind` log in (wordpress, icecast and the platforms) or are local folders.
bool kind_needs_secret(ChannelKind kind);

/// Where a channel's secret would come from, for `channels list`; never the secret itself.
struct SecretOrigin {
  /// "environment", "credentials file" or "none" (the kind needs none).
  std::string source;
  std::string where;    ///< the variable's name or the file's path
  bool set = false;     ///< the variable is set / the file has a secret for the channel
  std::string problem;  ///< why the file cannot be used (mode, owner), empty when fine
};

/// Describes where `channel`'s secret comes from and whether it is there.
SecretOrigin secret_origin(const ChannelConfig& channel);

/// The secret of `channel`: the variable `secret_env` when set and not empty, else the
/// credentials file's `[NAME] secret`. kNotFound says how to provide it; kPermission names the
/// file and the `chmod 600` fix. The message never contains a secret.
Result<std::string> read_secret(const ChannelConfig& channel);

/// Stores `secret` as `[name] secret` in the credentials file (its other values are kept) (created
/// with mode 0600 in a 0700 folder when absent), atomically: written under a temporary name,
/// flushed, renamed.
Status store_secret(const std::string& name, const std::string& secret);

/// Another value of `[name]` in the credentials file (e.g. YouTube's "refresh_token"); nullopt
/// when there is none. kPermission when the file is not 0600.
Result<std::optional<std::string>> read_credential(const std::string& name, const std::string& key);

/// Stores `[name] key = value` in the credentials file, keeping the table's other values,
/// atomically and with mode 0600 like store_secret.
Status store_credential(const std::string& name, const std::string& key, const std::string& value);

/// Removes `name`'s secret from the credentials file (nothing to do when it has none).
Status remove_secret(const std::string& name);

}  // namespace saluran
