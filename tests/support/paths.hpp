#pragma once
// Where tests find the shared corpus, the generated samples and the CLI.

#include <filesystem>
#include <string>

namespace saluran::test {

/// The source tree. Not inlined on purpose: GCC 12 at -O2 warns wrongly (-Warray-bounds, "forming
/// offset ... out of the bounds") on `std::string(LITERAL) + "..."` for some lengths of the
/// literal, so whether a test compiles would depend on the checkout's path.
[[gnu::noinline]] inline std::string source_dir() { return SALURAN_SOURCE_DIR; }
/// ../shared/corpus beside the checkout (CI lays it there too).
inline std::string corpus_dir() { return source_dir() + "/../shared/corpus"; }
/// A file in the corpus.
inline std::string corpus(const std::string& rel) { return corpus_dir() + "/" + rel; }
/// samples/generated, made by scripts/make-samples (`make test` runs it first).
inline std::string samples_dir() { return source_dir() + "/samples/generated"; }
/// A generated sample.
inline std::string sample(const std::string& rel) { return samples_dir() + "/" + rel; }
/// The saluran executable built with the tests (not inlined, as source_dir()).
[[gnu::noinline]] inline std::string cli_path() { return SALURAN_CLI_PATH; }

}  // namespace saluran::test

/// Skips the current test with a message when the corpus folder is absent.
#define SKIP_WITHOUT_CORPUS()                                                 \
  do {                                                                        \
    if (!std::filesystem::exists(::saluran::test::corpus_dir()))              \
      GTEST_SKIP() << "corpus not found at " << ::saluran::test::corpus_dir() \
                   << " (it lies beside the checkout as ../shared/corpus)";   \
  } while (0)

/// Skips the current test when the generated samples are absent.
#define SKIP_WITHOUT_SAMPLES()                                                            \
  do {                                                                                    \
    if (!std::filesystem::exists(::saluran::test::samples_dir()))                         \
      GTEST_SKIP() << "samples not generated: run scripts/make-samples (make test does)"; \
  } while (0)
