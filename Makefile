# Saluran: the two quick-start commands are `make demo` and `make test`.
# Thin wrappers over scripts/ and CMake presets (CMakePresets.json).

JOBS ?= $(shell nproc)
SALURAN := build/dev/saluran
# CI (CI=true, set by .ci/run) builds every file from scratch once: precompiled headers and line
# tables only (-g1) make that faster (README, "Tests and CI"). A developer's build keeps full -g
# and no precompiled headers, which ccache caches without extra settings.
CMAKE_CI_FLAGS := $(if $(filter true 1,$(CI)),-DSALURAN_PCH=ON -DSALURAN_LINE_TABLES=ON)

.PHONY: all deps build samples demo test asan bench package format format-check clean

all: build

deps:
	@bash scripts/install-deps

build: deps
	@cmake --preset dev $(CMAKE_CI_FLAGS) >/dev/null
	@cmake --build --preset dev -j $(JOBS)

samples: deps
	@bash scripts/make-samples

# Installs what is missing, builds, makes the samples and runs the main job on them.
demo: build samples
	@echo "== saluran probe samples/generated (what came in from the field)"
	@$(SALURAN) probe samples/generated
	@echo "== saluran ingest samples/generated --library build/demo-library"
	@$(SALURAN) ingest samples/generated --library build/demo-library --quiet
	@echo "== saluran inventory --summary --library build/demo-library"
	@$(SALURAN) inventory --summary --library build/demo-library
	@echo "== saluran render (every channel's video and the radio clip, one decode per input)"
	@$(SALURAN) render samples/generated/camera/C0001.MP4 samples/generated/phone/VID_20250314_101500.mp4 \
		-p youtube,instagram-reel,x-video,web-video,radio-clip -o build/demo-out
	@$(SALURAN) render samples/generated/audio/wawancara.wav -p radio-clip,radio-broadcast,podcast \
		-o build/demo-out
	@echo "== saluran render (every channel's pictures: smart crops, responsive web set, poster)"
	@$(SALURAN) render samples/generated/photos samples/generated/camera/C0001.MP4 \
		-p instagram-feed-4x5,instagram-story,facebook-photo,web,youtube-thumbnail -o build/demo-out
	@echo "== saluran check build/demo-out/C0001.x-video.mp4 --preset x-video"
	@$(SALURAN) check build/demo-out/C0001.x-video.mp4 --preset x-video
	@echo "== saluran plan samples/story.toml (what each channel will get; channels in samples/channels.toml)"
	@$(SALURAN) plan samples/story.toml --library build/demo-library -o build/demo-out
	@echo "== saluran publish samples/story.toml (the local site build/demo-site and the playout folder)"
	@mkdir -p build/demo-playout
	@$(SALURAN) publish samples/story.toml --library build/demo-library -o build/demo-out
	@echo "== saluran batch samples/generated/photos (the whole SOP over a folder: ingest, draft, render, check)"
	@$(SALURAN) batch samples/generated/photos --library build/demo-library \
		--channels-file samples/channels.toml -o build/demo-batch --name demo -q || test $$? -eq 1
	@echo "== saluran report demo (the run report: build/demo-library/.saluran/reports/demo.html)"
	@$(SALURAN) report demo --library build/demo-library --lang en
	@echo "== open build/demo-site/index.html in a browser to see the published story"

# Same set-up, then every test (unit, stage and end-to-end).
test: build samples
	@ctest --preset dev -j $(JOBS)

# The same tests built with AddressSanitizer and UndefinedBehaviorSanitizer, except the slow
# end-to-end tests against the real servers (WordPress, Icecast, Slurm), the browser and the
# package, the command-line tests (Cli*: each starts the instrumented binary several times, and
# the CLI only parses and calls the library, whose own tests run here) and the longest render and
# crash runs (minutes under ASan; their shorter siblings run here), all of which `make test` runs
# once.
REAL_SERVER_TESTS := ^(RealWordPress|RealIcecast|RealSlurm|WordPressConnectorTest|IcecastConnectorTest|PublishCrash|PlatformCrash|ReportBrowser|Package)
SLOW_TESTS := ^(Cli|VideoAnalysis\.HamiltonReframe|RenderImage\.AFillVideo|FaceDetector\.|IngestCrash\.|RenderFive\.)
asan: deps samples
	@cmake --preset asan $(CMAKE_CI_FLAGS) >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1 ctest --preset asan -j $(JOBS) -E '$(REAL_SERVER_TESTS)|$(SLOW_TESTS)'

# Benchmarks against the tools a user would otherwise run (see bench/README.md).
bench: deps samples
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@bash bench/probe
	@bash bench/ingest
	@bash bench/render
	@bash bench/photos

# The Debian package from a release build: build/package/saluran_<version>_<arch>.deb, which an
# office installs with `sudo apt install ./build/package/saluran_*.deb` (README, "Installing on
# an office PC").
package: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@cpack --config build/release/CPackConfig.cmake
	@ls -l build/package/saluran_*.deb

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

format-check:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror

clean:
	rm -rf build
