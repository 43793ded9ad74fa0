// A library disk that fills up mid-run: a clear message, no partial file, and a second run
// after space is freed finishes the work with every file once. Needs root (tmpfs mount).

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>

#include "codecs/file_copy.hpp"
#include "pipeline/catalog/catalog.hpp"
#include "pipeline/stages/ingest.hpp"
#include "tests/support/media_tree.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

/// A small tmpfs mounted for the test's lifetime.
class SmallDisk {
 public:
  explicit SmallDisk(const fs::path& at) : at_(at) {
    fs::create_directories(at_);
    mounted_ = ::mount("tmpfs", at_.c_str(), "tmpfs", 0, "size=6m") == 0;
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  ~SmallDisk() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool grow() { return ::mount("tmpfs", at_.c_str(), "tmpfs", MS_REMOUNT, "size=64m") == 0; }

 private:
  fs::path at_;
  bool mounted_ = false;
};

TEST(IngestDiskFull, ClearMessageNoPartialFileAndResumes) {
  SKIP_WITHOUT_CORPUS();
  test::TempDir root("disk-full");
  SmallDisk disk(root.path() / "library");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  // 12 distinct photos of ~1 MB: twice what the 6 MB disk holds.
  for (int i = 0; i < 12; ++i) {
    test::copy_with_tail(test::corpus("camera/DSCN0010.jpg"),
                         root / ("card/DCIM/IMG_" + std::to_string(i) + ".JPG"), 1u << 20,
                         static_cast<std::uint64_t>(i));
  }
  IngestOptions opts;
  opts.library = (root.path() / "library").string();
  Result<IngestReport> full = ingest({root / "card"}, opts);
  ASSERT_FALSE(full.ok()) << "the run should stop when the library disk is full";
  EXPECT_NE(full.error().message.find("full"), std::string::npos) << full.error().to_string();
  EXPECT_NE(full.error().message.find("free some space"), std::string::npos)
      << full.error().to_string();
  for (const auto& e : fs::directory_iterator(root.path() / "library/.saluran/tmp"))
    ADD_FAILURE() << "partial file left: " << e.path();

  ASSERT_TRUE(disk.grow());
  Result<IngestReport> again = ingest({root / "card"}, opts);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  Result<Catalog> cat = Catalog::open(catalog_path(opts.library));
  ASSERT_TRUE(cat.ok());
  auto assets = cat->list_assets({});
  ASSERT_TRUE(assets.ok());
  EXPECT_EQ(assets->size(), 12u);
  for (const Asset& a : *assets)
    EXPECT_EQ(hash_file((fs::path(opts.library) / a.library_path).string()).value(), a.hash);
}

}  // namespace
}  // namespace saluran
