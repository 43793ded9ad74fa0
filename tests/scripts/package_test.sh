#!/usr/bin/env bash
# The Debian package, installed in a clean folder root: builds the .deb from an already built
# tree with cpack (the dev build's binary, stripped: seconds, not a release build), unpacks it
# with `dpkg -x`, checks the unit, the settings file, the presets, the help text and the
# maintainer scripts are there, that Depends names the linked libraries' packages and
# opencv-data, and runs `saluran --version`, `probe` and a face-aware crop from the root (the
# cascades are found at opencv-data's path whatever the prefix).
#
#   bash tests/scripts/package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

build=$(cd "${1:?usage: package_test.sh BUILD_DIR SOURCE_DIR}" && pwd)
source=$(cd "${2:?usage: package_test.sh BUILD_DIR SOURCE_DIR}" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not installed (scripts/install-deps installs dpkg-dev)"
    exit 77
  fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/package-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

start=$(date +%s%N)
if ! cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  echo "FAIL: cpack could not build the package"
  exit 1
fi
version=$(sed -n 's/^project(saluran VERSION \([0-9.]*\).*/\1/p' "$source/CMakeLists.txt")
arch=$(dpkg --print-architecture)
deb=$work/out/saluran_${version}_${arch}.deb
[[ -f $deb ]] || { ls -R "$work/out"; echo "FAIL: no $deb"; exit 1; }
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KB) in $((($(date +%s%N) - start) / 1000000)) ms"

root=$work/root
dpkg -x "$deb" "$root"
for f in usr/bin/saluran lib/systemd/system/saluran-watch.service etc/default/saluran \
  usr/share/saluran/presets/README.md usr/share/saluran/presets/youtube.toml \
  usr/share/doc/saluran/README.md usr/share/doc/saluran/saluran-help.txt \
  usr/share/saluran/models/blazeface/face_detection_back_256x256_barracuda.onnx; do
  [[ -e $root/$f ]] || fail "$f is not in the package"
done
presets_in_tree=$(ls "$source"/presets/*.toml | wc -l)
presets_in_package=$(ls "$root"/usr/share/saluran/presets/*.toml | wc -l)
[[ $presets_in_tree == "$presets_in_package" ]] ||
  fail "$presets_in_package presets in the package, $presets_in_tree in the tree"

unit=$root/lib/systemd/system/saluran-watch.service
for line in "ExecStart=/usr/bin/saluran watch" "User=saluran" "EnvironmentFile=/etc/default/saluran" \
  "KillSignal=SIGTERM" "Restart=on-failure" "TimeoutStopSec=" "SuccessExitStatus=143" \
  "WantedBy=multi-user.target"; do
  grep -q "^$line" "$unit" || fail "the unit has no '$line'"
done
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" 2>&1 | grep -v "saluran.*not.*found\|Failed to resolve\|/usr/bin/saluran" |
    grep -i "error\|unknown" && fail "systemd-analyze verify complains about the unit"
fi
grep -q "^SALURAN_WATCH_DIR=" "$root/etc/default/saluran" || fail "no SALURAN_WATCH_DIR in /etc/default/saluran"

help=$root/usr/share/doc/saluran/saluran-help.txt
for cmd in probe ingest render batch watch report "presets list" "story new"; do
  grep -q "^saluran $cmd\$" "$help" || fail "the help text has no section 'saluran $cmd'"
done
grep -q -- "--settle" "$help" || fail "the help text lacks watch's options"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for pkg in opencv-data adduser libc6 libavcodec libopencv-objdetect libcurl libsqlite3; do
  [[ $depends == *"$pkg"* ]] || fail "Depends does not name $pkg"
done
control=$work/control
dpkg-deb -e "$deb" "$control"
for script in postinst prerm postrm; do
  [[ -x $control/$script ]] || fail "no executable $script"
done
grep -qx "/etc/default/saluran" "$control/conffiles" || fail "/etc/default/saluran is not a conffile"

bin=$root/usr/bin/saluran
out=$("$bin" --version) || fail "saluran --version failed"
[[ $out == "saluran $version" ]] || fail "--version said '$out'"
sample=$source/samples/generated/camera/C0001.MP4
if [[ -f $sample ]]; then
  "$bin" probe "$sample" >"$work/probe.txt" 2>&1 || fail "probe failed: $(cat "$work/probe.txt")"
  grep -q "1920\|1280\|h264\|video" "$work/probe.txt" || fail "probe said: $(cat "$work/probe.txt")"
  photo=$source/samples/generated/photos/IMG_0001.jpg
  "$bin" render "$photo" -p instagram-feed-4x5 -o "$work/render" >"$work/render.txt" 2>&1 ||
    fail "render failed: $(cat "$work/render.txt")"
  grep -qi "opencv-data\|cascade" "$work/render.txt" && fail "faces not searched: $(cat "$work/render.txt")"
else
  echo "note: samples not generated; probe and render from the package root not run"
fi

if ((failures > 0)); then
  echo "$failures failures"
  exit 1
fi
echo "package test passed"
