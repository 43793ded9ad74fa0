// `saluran batch` sharded by a real single-node Slurm cluster (tests/servers/slurm): a job array
// of 4 tasks, each taking its shard from Slurm's variables, makes the same renditions and the
// same catalog as one process, each rendition made by exactly one shard. And the cluster script
// itself: array variables, stop with jobs running, restart on the same state.

#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/stages/batch.hpp"
#include "pipeline/stages/batch_record.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/real_server.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;
using test::cli_path;
using test::run_command;
using test::shell_quote;

constexpr int kShards = 4;

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// KEY=VALUE lines -> map.
std::map<std::string, std::string> parse_env(const std::string& text) {
  std::map<std::string, std::string> env;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (const auto eq = line.find('='); eq != std::string::npos) {
      env[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return env;
}

class RealSlurm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new test::RealServer("slurm");
    if (server_->running()) {
      std::cout << "[ slurm ] one-node cluster up in " << server_->start_seconds() << " s ("
                << server_->url() << ")\n";
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_->not_installed()) GTEST_SKIP() << server_->problem();
    ASSERT_TRUE(server_->running()) << server_->problem();
  }

  /// A client command line (sbatch, squeue, ...) of the suite's cluster.
  static std::string slurm(const std::string& command) {
    return "SLURM_CONF=" + shell_quote(server_->credential("slurm_conf")) + " " + command;
  }

  /// `sbatch --array=0-(N-1) --wait` of a shell command, each task's output in logs/TASK.log.
  static test::CommandResult array_job(const fs::path& dir, int tasks, const std::string& wrap) {
    fs::create_directories(dir / "logs");
    return run_command(slurm("sbatch --array=0-" + std::to_string(tasks - 1) +
                             " --wait --quiet -D " + shell_quote(dir.string()) + " -o " +
                             shell_quote((dir / "logs" / "%a.log").string()) + " --wrap " +
                             shell_quote(wrap) + " 2>&1"));
  }

  /// The tasks' logs, for a failure message.
  static std::string logs(const fs::path& dir) {
    std::string text;
    if (!fs::exists(dir / "logs")) return text;
    for (const auto& e : fs::directory_iterator(dir / "logs")) {
      text += "--- " + e.path().filename().string() + "\n" + read_text(e.path());
    }
    return text;
  }

  static test::RealServer* server_;
};

test::RealServer* RealSlurm::server_ = nullptr;

TEST_F(RealSlurm, ArrayTasksGetTheirShardFromSlurmVariables) {
  test::TempDir dir("slurm-array");
  const auto start = std::chrono::steady_clock::now();
  const test::CommandResult r =
      array_job(dir.path(), kShards,
                "env | grep -E '^SLURM_(ARRAY_|JOB_ID=)' > " + shell_quote(dir / "task") +
                    "-$SLURM_ARRAY_TASK_ID.env");
  ASSERT_EQ(r.exit_code, 0) << r.out << logs(dir.path());
  std::cout << "[ slurm ] " << kShards << " array tasks ran in " << seconds_since(start) << " s\n";
  std::set<std::string> job_ids;
  for (int i = 0; i < kShards; ++i) {
    const fs::path file = dir / ("task-" + std::to_string(i) + ".env");
    ASSERT_TRUE(fs::exists(file)) << "task " << i << " did not run\n" << logs(dir.path());
    auto env = parse_env(read_text(file));
    EXPECT_EQ(env["SLURM_ARRAY_TASK_ID"], std::to_string(i));
    EXPECT_EQ(env["SLURM_ARRAY_TASK_MIN"], "0");
    EXPECT_EQ(env["SLURM_ARRAY_TASK_MAX"], std::to_string(kShards - 1));
    EXPECT_EQ(env["SLURM_ARRAY_TASK_COUNT"], std::to_string(kShards));
    EXPECT_FALSE(env["SLURM_ARRAY_JOB_ID"].empty());
    job_ids.insert(env["SLURM_ARRAY_JOB_ID"]);
    // What `saluran batch` makes of them: shard i of 4.
    auto shard = shard_from_environment(std::nullopt, [&](const char* name) -> const char* {
      const auto it = env.find(name);
      return it == env.end() ? nullptr : it->second.c_str();
    });
    ASSERT_TRUE(shard.ok()) << shard.error().to_string();
    ASSERT_TRUE(shard->has_value());
    EXPECT_EQ((*shard)->index, i);
    EXPECT_EQ((*shard)->count, kShards);
  }
  EXPECT_EQ(job_ids.size(), 1u) << "the tasks belong to one array job";
  const test::CommandResult queue = run_command(slurm("squeue -h -o %i 2>&1"));
  EXPECT_EQ(queue.exit_code, 0) << queue.out;
  EXPECT_EQ(queue.out, "") << "sbatch --wait returned before the array left the queue";
}

// ---- the cluster script: stop with jobs running, no process left, restart on its state ----

bool alive(int pid) {
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return false;
  return stat[close + 2] != 'Z' && stat[close + 2] != 'X';
}

int parent_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("PPid:", 0) == 0) return std::atoi(line.c_str() + 5);
  }
  return 0;
}

// The live processes that name `dir` in their command line or environment (the daemons, the
// jobs' slurmstepd and shells), and their descendants (slurmctld's slurmscriptd).
std::set<int> processes_of(const fs::path& dir) {
  std::map<int, int> parents;
  std::set<int> found;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const int pid = std::stoi(name);
    if (pid == ::getpid() || !alive(pid)) continue;
    parents[pid] = parent_of(pid);
    const std::string text = read_text(e.path() / "cmdline") + read_text(e.path() / "environ");
    if (text.find(dir.string()) != std::string::npos) found.insert(pid);
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [pid, parent] : parents) {
      if (found.count(parent) && found.insert(pid).second) grew = true;
    }
  }
  return found;
}

// A cluster of the test's own, stopped when the test ends however it ends.
class OwnCluster {
 public:
  OwnCluster() : state_("slurm-own") {}
  ~OwnCluster() { stop(); }
  OwnCluster(const OwnCluster&) = delete;
  OwnCluster& operator=(const OwnCluster&) = delete;
  test::CommandResult start() { return script("start"); }
  test::CommandResult stop() { return script("stop"); }
  std::string client(const std::string& command) const {
    return "SLURM_CONF=" + shell_quote(state_ / "slurm.conf") + " " + command;
  }
  const fs::path& state() const { return state_.path(); }

 private:
  test::CommandResult script(const std::string& what) {
    return run_command("SALURAN_SERVERS_OWNER_PID=" + std::to_string(::getpid()) + " bash " +
                       shell_quote(test::source_dir() + "/tests/servers/slurm") + " " + what + " " +
                       shell_quote(state_.path().string()) + " 2>&1");
  }
  test::TempDir state_;
};

int running_jobs(const OwnCluster& cluster) {
  const test::CommandResult r = run_command(cluster.client("squeue -h -t R -o %i 2>/dev/null"));
  int n = 0;
  for (char c : r.out) n += c == '\n';
  return n;
}

TEST_F(RealSlurm, StopCancelsRunningJobsLeavesNoProcessAndRestarts) {
  OwnCluster cluster;
  test::CommandResult r = cluster.start();
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_command(
      cluster.client("sbatch --array=0-3 --quiet -o /dev/null --wrap 'sleep 600' 2>&1"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // Two cores: two tasks run, two wait.
  for (int i = 0; i < 200 && running_jobs(cluster) < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(running_jobs(cluster), 2);
  // munged, slurmctld, slurmscriptd, slurmd, the watchdog, and per running task slurmstepd, sh
  // and sleep (a task counts as running a moment before its shell starts).
  std::set<int> before = processes_of(cluster.state());
  for (int i = 0; i < 100 && before.size() < 11; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    before = processes_of(cluster.state());
  }
  EXPECT_GE(before.size(), 8u);
  const auto start = std::chrono::steady_clock::now();
  r = cluster.stop();
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::cout << "[ slurm ] stopped with 2 running and 2 pending tasks in " << seconds_since(start)
            << " s\n";
  for (int pid : before) EXPECT_FALSE(alive(pid)) << "process " << pid << " is left";
  EXPECT_EQ(processes_of(cluster.state()).size(), 0u);

  // Again on the same state: the node is registered by the new slurmd, the cancelled jobs are
  // not recovered, and a job runs.
  r = cluster.start();
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_command(cluster.client("squeue -h -o %i 2>&1"));
  EXPECT_EQ(r.out, "");
  r = run_command(cluster.client("sbatch --wait --quiet -o /dev/null --wrap true 2>&1"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = cluster.stop();
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(processes_of(cluster.state()).size(), 0u);
}

// ---- saluran batch: a 4-task array against one process ----

struct SampleFolder {
  std::string name;
  std::vector<std::string> samples;  ///< files of samples/generated
};

// Three stories of distinct files (ingest takes a content once: a copy in two folders would be
// a duplicate), photos, clips and a recording, small enough for a 2-core machine.
const std::vector<SampleFolder> kFolders = {
    {"pasar", {"photos/IMG_0001.jpg", "photos/IMG_0002.jpg", "audio/wawancara.wav"}},
    {"jembatan", {"photos/IMG_0003.jpg", "photos/DJI_0002.JPG", "phone/IMG_HLG.MOV"}},
    {"sekolah", {"photos/IMG_0004.HEIC", "phone/VID_20250314_101500.mp4"}},
};

// A rendition of a batch record: where it is (relative to the out folder) and what it is.
struct Made {
  std::string kind;
  std::uint64_t bytes = 0;
  int width = 0;
  int height = 0;
  double seconds = 0;
  bool check_ok = false;
};

bool made_here(const RenditionRecord& r) { return r.outcome == "made" || r.outcome == "copied"; }

// The renditions a record made, by path relative to its out folder; failures go to `failed`.
std::map<std::string, Made> renditions_made(const BatchRecord& record,
                                            std::vector<std::string>& failed) {
  std::map<std::string, Made> made;
  for (const FolderRecord& f : record.folders) {
    if (!f.error.empty()) failed.push_back(f.folder + ": " + f.error);
    for (const RenditionRecord& r : f.renditions) {
      if (r.outcome == "failed") failed.push_back(r.file + ": " + r.error);
      if (!made_here(r)) continue;
      made[fs::path(r.file).lexically_relative(record.out_dir).string()] = {
          r.kind, r.bytes, r.width, r.height, r.seconds, r.check_ok};
    }
  }
  return made;
}

// The catalog's assets (content hash -> library path) from `saluran inventory --json`.
std::map<std::string, std::string> catalog_assets(const std::string& library) {
  const test::CommandResult r = run_command(cli_path() + " inventory --json --library " +
                                            shell_quote(library) + " 2>/dev/null");
  std::map<std::string, std::string> assets;
  const auto json = nlohmann::json::parse(r.out, nullptr, false);
  if (json.is_discarded() || !json.contains("assets")) return assets;
  for (const auto& a : json["assets"]) {
    assets[a.value("hash", "")] = a.value("library_path", "");
  }
  return assets;
}

// The batch's inputs in a folder of the test's own: the sample folders and a channels.toml of
// local channels only (a folder site and a playout folder, relative to the file).
class BatchInputs {
 public:
  BatchInputs() {
    for (const SampleFolder& f : kFolders) {
      folders_ += " " + shell_quote(dir_ / f.name);
      fs::create_directories(dir_.path() / f.name);
      for (const std::string& s : f.samples) {
        fs::copy_file(test::sample(s), dir_.path() / f.name / fs::path(s).filename());
      }
    }
    std::ofstream(dir_ / "channels.toml") << "[channels.site]\nkind = \"folder\"\npath = \"site\"\n"
                                             "\n[channels.radio]\nkind = \"playout\"\n"
                                             "path = \"playout\"\n";
  }
  /// The batch command line over the folders into `library` and `out`, named `name`.
  std::string batch(const std::string& library, const std::string& out,
                    const std::string& name) const {
    return cli_path() + " batch" + folders_ + " --library " + shell_quote(dir_ / library) +
           " --out " + shell_quote(dir_ / out) + " --channels-file " +
           shell_quote(dir_ / "channels.toml") + " --name " + name;
  }
  const fs::path& dir() const { return dir_.path(); }
  std::string operator/(const std::string& rel) const { return dir_ / rel; }

 private:
  test::TempDir dir_{"slurm-batch"};
  std::string folders_;
};

// The shards' records of `name` in `library`, each checked, and what each made.
struct ShardsMade {
  std::map<std::string, Made> made;            ///< by path relative to the out folder
  std::map<std::string, std::vector<int>> by;  ///< which shards made each
  std::vector<std::string> failed;
};

ShardsMade read_shards(const std::string& library, const std::string& name) {
  ShardsMade all;
  for (int i = 0; i < kShards; ++i) {
    const fs::path file =
        batches_dir(library) / name /
        ("shard-" + std::to_string(i) + "-of-" + std::to_string(kShards) + ".json");
    auto rec = read_batch_record(file);
    EXPECT_TRUE(rec.ok()) << "shard " << i << " left no record: " << rec.error().to_string();
    if (!rec.ok()) continue;
    EXPECT_EQ(rec->name, name);
    EXPECT_EQ(rec->shard, i);
    EXPECT_EQ(rec->shards, kShards);
    EXPECT_FALSE(rec->finished_at.empty()) << file;
    EXPECT_EQ(rec->exit_code, 0) << file;
    for (const auto& [rel, m] : renditions_made(*rec, all.failed)) {
      all.by[rel].push_back(i);
      all.made[rel] = m;
    }
  }
  return all;
}

// The same renditions: pictures and sound byte for byte; a video too when its encoder ran with
// the same thread count in both runs (x264's output depends on it, and a process plans its
// encoder threads by the work it holds), else the same size in pixels and length; each passing
// its channel's check. Returns how many are byte-identical.
int compare_renditions(const std::map<std::string, Made>& a, const fs::path& out_a,
                       const std::map<std::string, Made>& b, const fs::path& out_b) {
  std::set<std::string> names_a, names_b;
  for (const auto& [rel, m] : a) names_a.insert(rel);
  for (const auto& [rel, m] : b) names_b.insert(rel);
  EXPECT_EQ(names_a, names_b);
  int identical = 0;
  for (const auto& [rel, m] : a) {
    const auto other = b.find(rel);
    if (other == b.end()) continue;
    const std::string bytes_a = read_text(out_a / rel);
    const std::string bytes_b = read_text(out_b / rel);
    EXPECT_FALSE(bytes_a.empty()) << rel;
    EXPECT_TRUE(m.check_ok) << rel << " fails its check (one process)";
    EXPECT_TRUE(other->second.check_ok) << rel << " fails its check (array)";
    identical += bytes_a == bytes_b;
    if (m.kind != "video") {
      EXPECT_TRUE(bytes_a == bytes_b) << rel << " differs between the runs";
      continue;
    }
    EXPECT_EQ(m.width, other->second.width) << rel;
    EXPECT_EQ(m.height, other->second.height) << rel;
    EXPECT_NEAR(m.seconds, other->second.seconds, 0.05) << rel;
  }
  return identical;
}

// The media files under `out` by relative path (not the drafted stories, the manifests or
// temporary files).
std::set<std::string> media_files(const fs::path& out) {
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    const std::string name = e.path().filename().string();
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || name.front() == '.' || ext == ".toml" || ext == ".json" ||
        ext == ".tmp")
      continue;
    files.insert(e.path().lexically_relative(out).string());
  }
  return files;
}

TEST_F(RealSlurm, ArrayBatchOfFourEqualsOneProcess) {
  SKIP_WITHOUT_SAMPLES();
  if (run_command(cli_path() + " batch 2>&1").out.find("not built yet") != std::string::npos) {
    GTEST_SKIP() << "saluran batch is not built yet";
  }
  const BatchInputs in;
  // A: one process, no scheduler.
  auto start = std::chrono::steady_clock::now();
  test::CommandResult r = run_command(in.batch("lib-a", "out-a", "onepass") + " 2>&1");
  const double one_seconds = seconds_since(start);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // B: a job array, each task taking its shard from SLURM_ARRAY_TASK_ID/_MIN/_COUNT.
  start = std::chrono::steady_clock::now();
  r = array_job(in.dir(), kShards, in.batch("lib-b", "out-b", "arraytest"));
  const double array_seconds = seconds_since(start);
  ASSERT_EQ(r.exit_code, 0) << r.out << logs(in.dir());
  std::cout << "[ slurm ] batch of " << kFolders.size() << " folders: one process " << one_seconds
            << " s, " << kShards << " array tasks " << array_seconds << " s\n";

  auto a = read_batch_record(batches_dir(in / "lib-a") / "onepass" / "shard-0-of-1.json");
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  ShardsMade b = read_shards(in / "lib-b", "arraytest");
  const std::map<std::string, Made> made_a = renditions_made(*a, b.failed);
  EXPECT_FALSE(made_a.empty());
  EXPECT_TRUE(b.failed.empty()) << ::testing::PrintToString(b.failed) << logs(in.dir());
  for (const auto& [rel, shards] : b.by) {
    EXPECT_EQ(shards.size(), 1u) << rel << " made by shards " << ::testing::PrintToString(shards);
  }
  const int identical = compare_renditions(made_a, in.dir() / "out-a", b.made, in.dir() / "out-b");
  std::cout << "[ slurm ] " << made_a.size() << " renditions, " << identical
            << " byte-identical between the runs\n";

  // Every file in the out folders, not only each record's main one (a responsive set has more
  // widths): the same names.
  const std::set<std::string> files_a = media_files(in.dir() / "out-a");
  EXPECT_GE(files_a.size(), made_a.size());
  EXPECT_EQ(files_a, media_files(in.dir() / "out-b"));

  const auto assets_a = catalog_assets(in / "lib-a");
  EXPECT_FALSE(assets_a.empty());
  EXPECT_EQ(assets_a, catalog_assets(in / "lib-b"));

  // The shards merged as `saluran report` reads them.
  auto merged = load_batch(in / "lib-b", "arraytest");
  ASSERT_TRUE(merged.ok()) << merged.error().to_string();
  EXPECT_EQ(merged->shards, kShards);
  EXPECT_EQ(merged->folders.size(), kFolders.size());
  std::vector<std::string> ignored;
  EXPECT_EQ(renditions_made(*merged, ignored).size(), made_a.size());
}

}  // namespace
}  // namespace saluran
