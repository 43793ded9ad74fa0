// Secrets from the environment or the 0600 credentials file. The file is checked through the
// descriptor that reads it (fstat), so it cannot be swapped between the check and the read.
// Messages name files and variables, never a secret: a TOML error gives its line and column only,
// as the parser's own description may quote the text around it.

#include "connectors/credentials.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxCredentialsBytes = 1u << 20;

/// Closes a descriptor when it goes.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

Error refused(const fs::path& file, const std::string& why) {
  return make_error(ErrorCode::kPermission,
                    fmt::format("the credentials file is refused: {}; secrets must be readable by "
                                "you alone: run `chmod 600 {}`{}",
                                why, file.string(),
                                why.find("owned") != std::string::npos
                                    ? fmt::format(" and `chown $(id -un) {}`", file.string())
                                    : ""),
                    file.string());
}

// Why `st` is no safe home for secrets; empty when it is.
std::string unsafe_reason(const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return "it is not a regular file";
  if (st.st_uid != ::geteuid()) {
    return fmt::format("it is owned by user id {}, not by you (user id {})", st.st_uid,
                       ::geteuid());
  }
  if ((st.st_mode & 077) != 0) {
    return fmt::format("its mode is {:04o}, so others can read it", st.st_mode & 07777);
  }
  return {};
}

// The parser's description is left out: it may quote the text around the mistake.
Error not_toml(const fs::path& file, const toml::source_position& pos) {
  return make_error(ErrorCode::kInvalidArgument,
                    "is not valid TOML (write one [NAME] table per channel with secret = \"...\")",
                    file.string(), fmt::format("line {}, column {}", pos.line, pos.column));
}

/// The file's tables, or nullopt when there is no file.
Result<std::optional<toml::table>> read_file(const fs::path& file) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<toml::table>{};
    return errno_error(errno, "open the credentials file", file.string());
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return errno_error(errno, "read", file.string());
  if (std::string why = unsafe_reason(st); !why.empty()) return refused(file, why);
  if (static_cast<std::uint64_t>(st.st_size) > kMaxCredentialsBytes) {
    return make_error(ErrorCode::kLimitExceeded, "the credentials file is larger than 1 MiB",
                      file.string());
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(errno, "read", file.string());
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  text.resize(done);
  const std::string where = file.string();
#if TOML_EXCEPTIONS
  try {
    return std::optional<toml::table>(toml::parse(text, where));
  } catch (const toml::parse_error& e) {
    return not_toml(file, e.source().begin);
  }
#else
  toml::parse_result parsed = toml::parse(text, where);
  if (!parsed) return not_toml(file, parsed.error().source().begin);
  return std::optional<toml::table>(std::move(parsed).table());
#endif
}

/// `[name] key`, or nullopt when the file has none for it.
Result<std::optional<std::string>> value_in(const fs::path& file, const toml::table& t,
                                            const std::string& name, const std::string& key) {
  const toml::node* entry = t.get(name);
  if (entry == nullptr) return std::optional<std::string>{};
  const toml::node* value = entry->is_table() ? entry->as_table()->get(key) : nullptr;
  if (entry->is_table() && value == nullptr) return std::optional<std::string>{};
  if (value == nullptr || !value->is_string()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("[{}] must be a table with {} = \"...\"", name, key),
                      file.string(), fmt::format("line {}", entry->source().begin.line));
  }
  return std::optional<std::string>(value->as_string()->get());
}

/// `[name] secret`, or nullopt when the file has none for it.
Result<std::optional<std::string>> secret_in(const fs::path& file, const toml::table& t,
                                             const std::string& name) {
  return value_in(file, t, name, "secret");
}

const char* env_value(const std::string& name) {
  if (name.empty()) return nullptr;
  const char* v = std::getenv(name.c_str());
  return v != nullptr && *v != '\0' ? v : nullptr;
}

Status write_file(const fs::path& file, const toml::table& t) {
  std::ostringstream os;
  os << "# Saluran credentials: one [NAME] table per channel. Keep this file mode 0600.\n"
     << toml::toml_formatter(t) << "\n";
  const std::string text = os.str();
  std::error_code ec;
  if (file.has_parent_path() && !fs::exists(file.parent_path(), ec)) {
    fs::create_directories(file.parent_path(), ec);
    if (ec) return errno_error(ec.value(), "create the folder", file.parent_path().string());
    fs::permissions(file.parent_path(), fs::perms::owner_all, ec);
  }
  const std::string temp = temp_path_beside(file.string(), "tmp");
  {
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) return errno_error(errno, "create", temp);
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : EIO;
        ::unlink(temp.c_str());
        return errno_error(err, "write", temp);
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
      const int err = errno;
      ::unlink(temp.c_str());
      return errno_error(err, "flush to disk", temp);
    }
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return errno_error(err, "replace", file.string());
  }
  return fsync_dir(fs::absolute(file).parent_path().string());
}

}  // namespace

fs::path credentials_file() {
  if (const char* env = std::getenv("SALURAN_CREDENTIALS"); env != nullptr && *env != '\0')
    return fs::path(env);
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0')
    return fs::path(xdg) / "saluran" / "credentials.toml";
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : ".") / ".config" / "saluran" / "credentials.toml";
}

bool kind_needs_secret(ChannelKind kind) {
  return kind != ChannelKind::kPlayout && kind != ChannelKind::kFolder;
}

SecretOrigin secret_origin(const ChannelConfig& channel) {
  SecretOrigin o;
  if (!kind_needs_secret(channel.kind)) {
    o.source = "none";
    o.set = true;
    return o;
  }
  if (env_value(channel.secret_env) != nullptr) {
    o.source = "environment";
    o.where = channel.secret_env;
    o.set = true;
    return o;
  }
  const fs::path file = credentials_file();
  o.source = "credentials file";
  o.where = file.string();
  auto t = read_file(file);
  if (!t) {
    o.problem = t.error().message;
  } else if (t->has_value()) {
    auto s = secret_in(file, **t, channel.name);
    if (!s) o.problem = s.error().message;
    o.set = s.ok() && s->has_value() && !(*s)->empty();
  }
  if (!o.set && !channel.secret_env.empty() && o.problem.empty()) {
    o.source = "environment";  // the file has none either: the variable is what is missing
    o.where = channel.secret_env;
  }
  return o;
}

Result<std::string> read_secret(const ChannelConfig& channel) {
  if (const char* v = env_value(channel.secret_env)) return std::string(v);
  const fs::path file = credentials_file();
  auto t = read_file(file);
  if (!t) {
    Error e = t.error();
    e.context.channel = channel.name;
    return e;
  }
  std::optional<std::string> secret;
  if (t->has_value()) {
    auto s = secret_in(file, **t, channel.name);
    if (!s) return s.error();
    secret = std::move(*s);
  }
  if (secret && !secret->empty()) return std::move(*secret);
  const std::string env_hint =
      channel.secret_env.empty()
          ? std::string()
          : fmt::format("set the environment variable {}, or ", channel.secret_env);
  Error e = make_error(
      ErrorCode::kNotFound,
      fmt::format("channel {} has no secret: {}run `saluran channels add {} ...` again to store it "
                  "in {}",
                  channel.name, env_hint, channel.name, file.string()),
      channel.file.string());
  e.context.channel = channel.name;
  return e;
}

Status store_secret(const std::string& name, const std::string& secret) {
  return store_credential(name, "secret", secret);
}

Result<std::optional<std::string>> read_credential(const std::string& name,
                                                   const std::string& key) {
  const fs::path file = credentials_file();
  auto t = read_file(file);
  if (!t) return t.error();
  if (!t->has_value()) return std::optional<std::string>{};
  return value_in(file, **t, name, key);
}

Status store_credential(const std::string& name, const std::string& key, const std::string& value) {
  if (value.empty() || value.find_first_of("\r\n") != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("the {} for {} is empty or spans several lines", key, name));
  }
  const fs::path file = credentials_file();
  auto t = read_file(file);
  if (!t) return t.error();
  toml::table all = t->has_value() ? std::move(**t) : toml::table{};
  toml::table entry;
  if (const toml::table* old = all.get_as<toml::table>(name)) entry = *old;
  entry.insert_or_assign(key, value);
  all.insert_or_assign(name, std::move(entry));
  return write_file(file, all);
}

Status remove_secret(const std::string& name) {
  const fs::path file = credentials_file();
  auto t = read_file(file);
  if (!t) return t.error();
  if (!t->has_value() || !(*t)->contains(name)) return Ok{};
  (*t)->erase(name);
  return write_file(file, **t);
}

}  // namespace saluran
