#!/usr/bin/env bash
# bench/batch-baseline.sh: the shell script a user would write by hand to make a story's channel
# files without Saluran: one `ffmpeg` command per video rendition, one `vipsthumbnail` call per
# picture file, ffmpeg with `loudnorm` for the radio clip; one after another, as a script runs
# them, each tool using every core as it does by default. Each command's settings are the
# preset's (presets/*.toml): codec, profile, size, frame rate, bitrate (the ladder's row for the
# output's height), peak rate, GOP (gop_seconds x the rate), B-frames, closed GOP, the sound's
# codec, rate, channels and bitrate, and the loudness target (radio-clip: -23 LUFS, true peak
# -1 dBTP, 0.5 s fade-out, with loudnorm's two passes). The instagram-reel blur-pad chain is written as Saluran's render
# manifest writes it, so both sides filter alike. Outputs are named as `saluran render` names
# them (<stem>.<preset>.<ext>; the web set <stem>.web-<width>.<ext>).
#
# Presets BASE-N (instagram-reel-60, x-video-140: bench/story's) are the base preset's command
# on the whole clip, then its first N seconds by stream copy.
#
# Usage: bench/batch-baseline.sh LIST OUTDIR [TIMES]
#   LIST    one rendition a line: PRESET<TAB>SOURCE (what `saluran plan --json` lists)
#   OUTDIR  where the files go (created)
#   TIMES   optional: one line a command is appended: PRESET<TAB>SOURCE<TAB>seconds<TAB>files
set -euo pipefail
if (($# < 2)); then sed -n '2,21p' "$0"; exit 2; fi
# vipsthumbnail reads a relative -o against the input's folder: make OUTDIR absolute.
list=$1 out=$(realpath -m "$2") times=${3:-/dev/null}
mkdir -p "$out"
ff=(ffmpeg -nostdin -v error -y)
mp4=(-movflags +faststart -use_editlist 0)  # the channels refuse edit lists (check)

# H.264 with the preset's numbers: $1 profile, $2 kbps, $3 GOP frames, $4 peak kbps (0: none).
# The speed is the video presets' `speed` (all "superfast", measured by bench/x264-settings).
# x264 and aac print options that the commands split into words (no spaces inside one).
x264() {
  local opts=(-c:v libx264 -preset superfast -profile:v "$1" -pix_fmt yuv420p -b:v "${2}k"
    -g "$3" -bf 2 -x264-params open-gop=0)
  (($4 > 0)) && opts+=(-maxrate "${4}k" -bufsize "$((2 * $4))k")
  echo "${opts[@]}"
}
aac() { echo -c:a aac -b:a "${1}k" -ar 48000 -ac 2; }

# One rendition: prints the number of files it wrote; returns 1 when a command failed (each
# command says so: errexit does not hold inside an `if`).
make_one() {
  local preset=$1 src=$2 stem
  stem=$(basename "${src%.*}")
  if [[ $preset =~ ^(instagram-reel|x-video)-([0-9]+)$ ]]; then
    cut_one "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "$src" "$stem" || return 1
    echo 1; return
  fi
  local o="$out/$stem.$preset"
  local crop=(--smartcrop attention)
  # shellcheck disable=SC2046  # $(x264 ...) and $(aac ...) are split into options on purpose
  case $preset in
    youtube)  # the source size (1080p: the ladder's 8000 kbps), GOP 0.5 s, AAC 384 kbps
      "${ff[@]}" -i "$src" -vf fps=30 $(x264 high 8000 15 0) $(aac 384) "${mp4[@]}" "$o.mp4" || return 1 ;;
    facebook-video)  # within 1920x1080, 8000 kbps at 1080p, GOP 2 s
      "${ff[@]}" -i "$src" -vf "fps=30,scale=-2:'min(1080,ih)'" $(x264 high 8000 60 0) \
        $(aac 128) "${mp4[@]}" "$o.mp4" || return 1 ;;
    x-video)  # within 1280x720, 5000 kbps, GOP 2 s
      "${ff[@]}" -i "$src" -vf "fps=30,scale=-2:'min(720,ih)'" $(x264 high 5000 60 0) \
        $(aac 128) "${mp4[@]}" "$o.mp4" || return 1 ;;
    web-video)  # within 1280x720, Main, 2500 kbps, GOP 2 s
      "${ff[@]}" -i "$src" -vf "fps=30,scale=-2:'min(720,ih)'" $(x264 main 2500 60 0) \
        $(aac 128) "${mp4[@]}" "$o.mp4" || return 1 ;;
    instagram-reel)  # 1080x1920 blur-pad, 8000 kbps (peak 25000), GOP 2 s
      "${ff[@]}" -i "$src" -filter_complex "[0:v]fps=30,scale=1080:-2,setsar=1,split[fg][bgin];[bgin]scale=270:480:force_original_aspect_ratio=increase,crop=270:480,boxblur=luma_radius=12:luma_power=2,scale=1080:1920:flags=bilinear,setsar=1[bg];[bg][fg]overlay=0:(H-h)/2,format=yuv420p[v]" \
        -map "[v]" -map 0:a $(x264 high 8000 60 25000) $(aac 128) "${mp4[@]}" "$o.mp4" || return 1 ;;
    radio-clip)  # MP3 44.1 kHz mono 128 kbps CBR, -23 LUFS, true peak -1 dBTP, 0.5 s fade-out
      # loudnorm's two passes, as its documentation says: measure, then apply linearly.
      local d m ln="I=-23:TP=-1.5:LRA=20"
      d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$src")
      m=$(ffmpeg -nostdin -hide_banner -i "$src" -vn -af "loudnorm=$ln:print_format=json" -f null - \
        2>&1 | python3 -c 'import json,sys; t=sys.stdin.read(); j=json.loads(t[t.rindex("{"):])
k = ("i", "tp", "lra", "thresh")
print(":".join("measured_%s=%s" % (x, j["input_" + x]) for x in k) + ":offset=" + j["target_offset"])') || return 1
      "${ff[@]}" -i "$src" -vn \
        -af "loudnorm=$ln:$m:linear=true,aresample=44100,afade=t=out:st=$(echo "$d - 0.5" | bc):d=0.5" \
        -ac 1 -c:a libmp3lame -b:a 128k "$o.mp3" || return 1 ;;
    web)  # widths 480, 960, 1440, 2048, JPEG and WebP, quality 82
      local w
      for w in 480 960 1440 2048; do
        vipsthumbnail "$src" --size "${w}x" -o "$out/$stem.web-$w.jpg[Q=82,interlace,strip]" || return 1
        vipsthumbnail "$src" --size "${w}x" -o "$out/$stem.web-$w.webp[Q=82,strip]" || return 1
      done
      echo 8; return ;;
    instagram-feed-4x5)
      vipsthumbnail "$src" --size 1080x1350 "${crop[@]}" -o "$o.jpg[Q=90,interlace,strip]" || return 1 ;;
    instagram-square)
      vipsthumbnail "$src" --size 1080x1080 "${crop[@]}" -o "$o.jpg[Q=90,interlace,strip]" || return 1 ;;
    youtube-thumbnail)
      vipsthumbnail "$src" --size 1280x720 "${crop[@]}" -o "$o.jpg[Q=90,interlace,strip]" || return 1 ;;
    web-thumb)
      vipsthumbnail "$src" --size 640x360 "${crop[@]}" -o "$o.jpg[Q=82,interlace,strip]" || return 1 ;;
    facebook-photo)
      vipsthumbnail "$src" --size 2048x2048 -o "$o.jpg[Q=88,interlace,strip]" || return 1 ;;
    x-photo)
      vipsthumbnail "$src" --size 4096x4096 -o "$o.jpg[Q=88,strip]" || return 1 ;;
    *) echo "bench/batch-baseline.sh: no command written for preset $preset" >&2; echo 0; return ;;
  esac
  echo 1
}

# A channel-length variant (bench/story-presets: instagram-reel-60, x-video-140), as a user
# makes it by hand: the whole clip with the base preset's command, then its first N seconds
# (less a tenth, as Saluran cuts) by stream copy when the clip is longer.
# $1 base preset, $2 N seconds, $3 source, $4 stem.
cut_one() {
  local full="$out/.full" d
  mkdir -p "$full"
  (out=$full; make_one "$1" "$3" > /dev/null) || return 1
  d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$full/$4.$1.mp4")
  if (($(echo "$d > $2" | bc))); then
    "${ff[@]}" -i "$full/$4.$1.mp4" -t "$(echo "$2 - 0.1" | bc)" -c copy "${mp4[@]}" \
      "$out/$4.$1-$2.mp4" || return 1
    rm -f "$full/$4.$1.mp4"
  else
    mv "$full/$4.$1.mp4" "$out/$4.$1-$2.mp4"
  fi
}

failed=0
while IFS=$'\t' read -r preset src; do
  [[ -z $preset || $preset == \#* ]] && continue
  start=$(date +%s.%N)
  if ! n=$(make_one "$preset" "$src"); then
    echo "bench/batch-baseline.sh: $preset of $src failed" >&2
    n=0 failed=$((failed + 1))
  fi
  printf '%s\t%s\t%.2f\t%s\n' "$preset" "$src" "$(echo "$(date +%s.%N) - $start" | bc)" "$n" \
    >> "$times"
done < "$list"
((failed == 0))
