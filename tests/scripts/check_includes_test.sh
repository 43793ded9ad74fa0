#!/usr/bin/env bash
# Tests scripts/check-includes on small fake trees made in a temporary folder: one violation of
# each kind must make it fail (exit 1) and be named with its file, include and chain; a clean
# tree must pass (exit 0) with the one-line summary.
#
#   bash tests/scripts/check_includes_test.sh [path/to/check-includes]
set -euo pipefail

script=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/check-includes}
work=$(mktemp -d "${TMPDIR:-/tmp}/check-includes-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# put FILE LINE...: writes a file of the fake tree, one line per argument.
put() {
  local file=$1
  shift
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$@" >"$file"
}

# A clean tree: every layer includes only what it may.
clean=$work/clean
(
  mkdir -p "$clean"
  cd "$clean"
  put pipeline/model/error.hpp '#pragma once' '#include <string>'
  put pipeline/model/picture.hpp '#pragma once' '#include "pipeline/model/error.hpp"'
  put pipeline/run/pool.hpp '#pragma once' '#include "pipeline/model/error.hpp"'
  put codecs/av/av_inc.hpp '#pragma once' '#include <libavcodec/avcodec.h>'
  put codecs/av/decode.hpp '#pragma once' '#include "pipeline/model/picture.hpp"' \
    '#include "pipeline/run/pool.hpp"'
  put codecs/av/decode.cpp '#include "codecs/av/decode.hpp"' '#include "codecs/av/av_inc.hpp"' \
    '#include <opencv2/core.hpp>'
  put connectors/http/curl_handle.hpp '#pragma once' '#include <curl/curl.h>'
  put connectors/web/post.cpp '#include "pipeline/model/error.hpp"'
  put pipeline/stages/render.hpp '#pragma once' '#include "codecs/av/decode.hpp"'
  put pipeline/stages/render.cpp '#include "pipeline/stages/render.hpp"' '#include <vector>'
  put cli/main.cpp '#include "pipeline/stages/render.hpp"' '// #include <sqlite3.h>'
  put tests/codecs/decode_test.cpp '#include <jpeglib.h>' '#include "pipeline/stages/render.hpp"'
)
status=0
output=$(bash "$script" "$clean") || status=$?
[[ $status -eq 0 ]] || fail "clean tree: exit $status, expected 0: $output"
[[ $output == "check-includes: 11 files, 0 violations" ]] ||
  fail "clean tree: output '$output', expected 'check-includes: 11 files, 0 violations'"

# A tree with one violation of each kind (and the clean files around them).
bad=$work/bad
cp -r "$clean" "$bad"
(
  cd "$bad"
  # (a) codecs/ includes pipeline/ops (and a stage, a catalog and a preset header).
  put pipeline/ops/geometry.hpp '#pragma once' '#include "pipeline/model/error.hpp"'
  put codecs/image/faces.hpp '#pragma once' '#include "pipeline/ops/geometry.hpp"'
  put codecs/image/faces.cpp '#include "codecs/image/faces.hpp"' \
    '#  include "pipeline/stages/render.hpp"'
  put pipeline/catalog/catalog.hpp '#pragma once'
  put pipeline/presets/presets.hpp '#pragma once'
  put codecs/meta/exif.cpp '#include "pipeline/catalog/catalog.hpp"' \
    '#include "pipeline/presets/presets.hpp"'
  # (b) the model includes something of ours outside the model; run includes a stage.
  put pipeline/model/asset.hpp '#pragma once' '#include "pipeline/ops/geometry.hpp"'
  put pipeline/run/queue.hpp '#pragma once' '#include "pipeline/stages/render.hpp"'
  # (c) headers outside codecs/ reach C headers: directly, and through two headers of ours.
  put pipeline/stages/probe.hpp '#pragma once' '#include <xxhash.h>'
  put codecs/av/handles.hpp '#pragma once' '#include "codecs/av/av_inc.hpp"'
  put codecs/av/transcode.hpp '#pragma once' '#include "codecs/av/handles.hpp"'
  put pipeline/stages/transcode_stage.hpp '#pragma once' '#include "codecs/av/transcode.hpp"'
  put connectors/web/client.hpp '#pragma once' '#include "connectors/http/curl_handle.hpp"'
  # (d) .cpp files outside codecs/ include C headers directly, or through a codecs/ header.
  put pipeline/stages/ingest.cpp '#include "pipeline/catalog/catalog.hpp"' '#include <sqlite3.h>'
  # SQLite is the catalog's own store: its .cpp files may include it (not reported).
  put pipeline/catalog/store.cpp '#include "pipeline/catalog/catalog.hpp"' '#include <sqlite3.h>'
  put cli/probe_command.cpp '#include <libexif/exif-data.h>'
  put pipeline/stages/plan.cpp '#include "codecs/av/handles.hpp"'
)
status=0
output=$(bash "$script" "$bad") || status=$?
[[ $status -eq 1 ]] || fail "tree with violations: exit $status, expected 1"

expect() {
  grep -qxF -- "$1" <<<"$output" || fail "missing line: $1"
}
up='(codecs/ may include only codecs/, pipeline/model/ and pipeline/run/)'
expect "codecs/image/faces.hpp: codecs-up: includes \"pipeline/ops/geometry.hpp\" $up"
expect "codecs/image/faces.cpp: codecs-up: includes \"pipeline/stages/render.hpp\" $up"
expect "codecs/meta/exif.cpp: codecs-up: includes \"pipeline/catalog/catalog.hpp\" $up"
expect "codecs/meta/exif.cpp: codecs-up: includes \"pipeline/presets/presets.hpp\" $up"
expect "pipeline/model/asset.hpp: model-leaf: includes \"pipeline/ops/geometry.hpp\" (pipeline/model/ may include only pipeline/model/)"
expect "pipeline/run/queue.hpp: run-down: includes \"pipeline/stages/render.hpp\" (pipeline/run/ may include only pipeline/model/ and pipeline/run/)"
expect "pipeline/stages/probe.hpp: c-header: includes <xxhash.h> (headers outside codecs/ and connectors/http/ must not)"
expect "pipeline/stages/transcode_stage.hpp: c-header: reaches <libavcodec/avcodec.h> through pipeline/stages/transcode_stage.hpp -> codecs/av/transcode.hpp -> codecs/av/handles.hpp -> codecs/av/av_inc.hpp"
expect "connectors/web/client.hpp: c-header: reaches <curl/curl.h> through connectors/web/client.hpp -> connectors/http/curl_handle.hpp"
expect "pipeline/stages/ingest.cpp: c-include: includes <sqlite3.h> (C library headers stay in codecs/ and connectors/http/)"
expect "cli/probe_command.cpp: c-include: includes <libexif/exif-data.h> (C library headers stay in codecs/ and connectors/http/)"
expect "pipeline/stages/plan.cpp: c-include: reaches <libavcodec/avcodec.h> through pipeline/stages/plan.cpp -> codecs/av/handles.hpp -> codecs/av/av_inc.hpp"
expect "check-includes: 28 files, 12 violations"
# Nothing else: the clean files around them are not reported.
lines=$(wc -l <<<"$output")
[[ $lines -eq 13 ]] || fail "expected 12 violations and the summary, got $lines lines"

# A usage error is neither a pass nor a failure of the check.
status=0
bash "$script" "$work/none" >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "missing folder: exit $status, expected 2"

if [[ $failures -gt 0 ]]; then
  echo "--- check-includes said:"
  echo "$output"
  echo "check_includes_test: $failures failure(s)"
  exit 1
fi
echo "check_includes_test: passed"
