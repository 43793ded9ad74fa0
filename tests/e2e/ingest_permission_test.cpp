// Permission errors as an unprivileged user meets them: an unreadable source file is rejected
// with a plain reason while the rest is ingested; a library folder that cannot be created
// stops the run with a plain message, and the same run as a user who may write finishes.
// Runs the ingest in a child process switched to the user "nobody"; skipped when not root.

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "pipeline/stages/ingest.hpp"
#include "tests/support/media_tree.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

struct ChildOutcome {
  bool ok = false;
  std::string message;  ///< the error, or "copied=N rejected=M first_reason"
};

/// Runs ingest(sources, library) as `uid`/`gid` in a child process.
ChildOutcome ingest_as(uid_t uid, gid_t gid, const std::string& source,
                       const std::string& library) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (setgid(gid) != 0 || setuid(uid) != 0) _exit(3);
    IngestOptions opts;
    opts.library = library;
    opts.jobs = 1;  // no worker threads needed in the child
    Result<IngestReport> r = ingest({source}, opts);
    std::string text;
    if (r) {
      text = "copied=" + std::to_string(r->run.copied) +
             " rejected=" + std::to_string(r->run.rejected);
      for (const SourceRecord& s : r->sources)
        if (s.outcome == SourceOutcome::kRejected) text += " " + s.path + ": " + s.reason;
    } else {
      text = r.error().to_string();
    }
    (void)!write(fds[1], text.data(), text.size());
    _exit(r ? 0 : 1);
  }
  close(fds[1]);
  ChildOutcome out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.message.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  out.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return out;
}

TEST(IngestPermission, UnreadableSourceAndUnwritableLibrary) {
  SKIP_WITHOUT_CORPUS();
  if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to the user 'nobody'";
  const passwd* nobody = getpwnam("nobody");
  if (nobody == nullptr) GTEST_SKIP() << "no user 'nobody' here";
  test::TempDir root("perm");
  fs::permissions(root.path(), fs::perms::owner_all | fs::perms::group_exec |
                                   fs::perms::others_exec);  // 0711: nobody cannot create here
  test::copy_with_tail(test::corpus("camera/DSCN0010.jpg"), root / "card/DCIM/IMG_0001.JPG", 8, 1);
  test::copy_with_tail(test::corpus("camera/DSCN0010.jpg"), root / "card/DCIM/IMG_0002.JPG", 8, 2);
  fs::permissions(root.path() / "card", fs::perms::all);
  fs::permissions(root.path() / "card/DCIM", fs::perms::all);
  fs::permissions(root / "card/DCIM/IMG_0001.JPG", fs::perms::all);
  fs::permissions(root / "card/DCIM/IMG_0002.JPG", fs::perms::none);  // unreadable

  // A library folder nobody may create: the run stops with a plain message.
  const ChildOutcome denied =
      ingest_as(nobody->pw_uid, nobody->pw_gid, root / "card", root / "library");
  EXPECT_FALSE(denied.ok);
  EXPECT_NE(denied.message.find("permission denied"), std::string::npos) << denied.message;

  // A library nobody owns: the unreadable file is rejected by name, the other one copied.
  fs::create_directories(root.path() / "own");
  ASSERT_EQ(chown((root / "own").c_str(), nobody->pw_uid, nobody->pw_gid), 0);
  const ChildOutcome partly =
      ingest_as(nobody->pw_uid, nobody->pw_gid, root / "card", root / "own/library");
  EXPECT_TRUE(partly.ok) << partly.message;
  EXPECT_NE(partly.message.find("copied=1 rejected=1"), std::string::npos) << partly.message;
  EXPECT_NE(partly.message.find("IMG_0002.JPG: cannot open: permission denied"), std::string::npos)
      << partly.message;

  // Once the file can be read, the same run finishes the work without a second copy.
  fs::permissions(root / "card/DCIM/IMG_0002.JPG",
                  fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const ChildOutcome resumed =
      ingest_as(nobody->pw_uid, nobody->pw_gid, root / "card", root / "own/library");
  EXPECT_TRUE(resumed.ok) << resumed.message;
  EXPECT_NE(resumed.message.find("copied=1 rejected=0"), std::string::npos) << resumed.message;
}

}  // namespace
}  // namespace saluran
