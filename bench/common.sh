# bench/common.sh: what bench/batch and bench/story share; sourced, not run. Needs $saluran.

# Times one command: "seconds peak_kb cpu_s" in $1 (peak resident set of the largest process,
# user + system CPU of all). Returns the command's exit code.
timed() {
  local to=$1
  shift
  local rc=0
  /usr/bin/time -v -o "$to.time" "$@" || rc=$?
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
      for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s}
    /User time/ {cpu += $2} /System time/ {cpu += $2}
    /Maximum resident set size/ {peak = $2}
    END {printf "%.1f %d %.1f\n", wall, peak, cpu}' "$to.time" > "$to"
  return $rc
}

# Every rendition file under $1 against its preset (from its name, <stem>.<preset>.<ext>; the
# web set's <stem>.web-<width>.<ext> is `web`), with user presets from $3 when given. Prints
# "files passed"; the failures go to $2.
check_dir() {
  local dir=$1 fails=$2 presets=${3:-} n=0 ok=0 f preset
  local extra=()
  [[ -n $presets ]] && extra=(--presets "$presets")
  : > "$fails"
  [[ -d $dir ]] || { echo "0 0"; return; }
  while read -r f; do
    preset=$(basename "$f" | sed -E 's/^[^.]+\.([a-z0-9-]+)\.[a-z0-9]+$/\1/; s/^web-[0-9]+$/web/')
    n=$((n + 1))
    if "$saluran" check "$f" --preset "$preset" "${extra[@]}" > "$f.check" 2>&1; then
      ok=$((ok + 1))
    else grep -h 'FAIL\|error' "$f.check" | sed "s|^|$(basename "$f"): |" >> "$fails"; fi
    rm -f "$f.check"
  done < <(find "$dir" -type f \( -name '*.mp4' -o -name '*.mp3' -o -name '*.jpg' \
    -o -name '*.webp' -o -name '*.wav' \) ! -name '.*' ! -path '*/.full/*' | sort)
  echo "$n $ok"
}

# From $1/plan.json (`saluran plan --json`): $1/list.tsv, one PRESET<TAB>SOURCE line per
# rendition to make (bench/batch-baseline.sh's list), and $1/renditions.md, the plan's table.
plan_list() {
  python3 - "$1" <<'PY'
import json, os, sys
d = sys.argv[1]
p = json.load(open(f"{d}/plan.json"))
seen, rows = set(), []
for c in p["channels"]:
    for m in c["media"]:
        rows.append((c["name"], m["role"], m["preset"], os.path.basename(m["source"])))
        seen.add((m["preset"], os.path.abspath(m["source"])))
with open(f"{d}/list.tsv", "w") as f:
    for preset, src in sorted(seen, key=lambda k: (k[1], k[0])):
        f.write(f"{preset}\t{src}\n")
with open(f"{d}/renditions.md", "w") as f:
    f.write("| channel | role | preset | source |\n|---|---|---|---|\n")
    for r in rows:
        f.write("| " + " | ".join(r) + " |\n")
PY
}
