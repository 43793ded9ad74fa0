# Shared helpers of the tests/servers scripts (sourced, not run).

say() { echo "$(basename "$0"): $*" >&2; }
die() { say "$*"; exit 1; }

# Exit code 77 means "not installed here": test fixtures skip on it.
need_commands() {
  local missing=()
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  if ((${#missing[@]})); then
    say "not installed: ${missing[*]} (run scripts/install-deps as root)"
    exit 77
  fi
}

# A TCP port on 127.0.0.1 that nothing listens on now, below the kernel's range of ephemeral
# ports: a port there can be taken at any moment by a client connection (the tests' own), and
# a server binding it then fails.
free_port() {
  local port low=32768
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  ((low > 12000)) || low=32768
  for _ in $(seq 50); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found"
}

# True while PID runs and is not a zombie.
alive() {
  local pid=$1 state
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
  [[ $state != Z && $state != X ]]
}

# Starts a command in a session of its own (its PID is its process group) with output to LOG,
# and writes its PID to PIDFILE.
start_detached() {
  local pidfile=$1 log=$2
  shift 2
  setsid "$@" </dev/null >>"$log" 2>&1 &
  echo $! >"$pidfile"
}

# Stops the process group recorded in PIDFILE: TERM, then KILL after a grace time.
stop_pidfile() {
  local pidfile=$1 grace=${2:-10} pid
  [[ -f $pidfile ]] || return 0
  pid=$(<"$pidfile")
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((grace * 10))); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      say "pid $pid did not stop in ${grace}s: killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# Waits up to SECONDS for COMMAND to succeed while the process in PIDFILE lives.
wait_until() {
  local seconds=$1 pidfile=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    "$@" >/dev/null 2>&1 && return 0
    alive "$(<"$pidfile")" || return 1
    sleep 0.1
  done
  return 1
}

# Writes KEY=VALUE lines from stdin to FILE with mode 0600 from the start.
write_secret_file() {
  local file=$1
  (umask 077 && cat >"$file.tmp")
  mv "$file.tmp" "$file"
}

random_secret() { head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 24; }

# Optional watchdog: when SALURAN_SERVERS_OWNER_PID is set, stop the server once that process
# is gone (a test binary that crashed cannot run its tear-down).
start_watchdog() {
  local state=$1 script=$2
  [[ -n ${SALURAN_SERVERS_OWNER_PID:-} ]] || return 0
  local owner=$SALURAN_SERVERS_OWNER_PID
  start_detached "$state/watchdog.pid" /dev/null bash -c \
    'while kill -0 "$0" 2>/dev/null; do sleep 1; done; exec bash "$1" stop "$2"' \
    "$owner" "$script" "$state"
}

stop_watchdog() {
  local state=$1 pid
  [[ -f $state/watchdog.pid ]] || return 0
  pid=$(<"$state/watchdog.pid")
  # Only when called from someone else than the watchdog itself.
  if [[ $pid != "$$" && $pid != "$PPID" ]]; then stop_pidfile "$state/watchdog.pid" 2; fi
  rm -f "$state/watchdog.pid"
}
