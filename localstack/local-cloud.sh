#!/usr/bin/env bash
# Docker-free local cloud for sensorpipe: kinesis-mock (npm kinesis-local) + moto server, on loopback only.
#
#   local-cloud.sh start    install on first use, start (idempotent: a running cloud is left as it is)
#   local-cloud.sh stop     stop the processes this state dir started (and their children), nothing else
#   local-cloud.sh status   print what runs; exit 0 when all services are up, 3 otherwise
#   local-cloud.sh env      print `export` lines for the AWS SDK/CLI (also written to $LOCAL_CLOUD_STATE_DIR/env)
#   local-cloud.sh install  only install (npm ci + python venv)
#
# Overrides (env), so a second, independent cloud can run beside the first:
#   LOCAL_CLOUD_STATE_DIR          pid files, logs, env file     (default <repo>/.local-cloud)
#   LOCAL_CLOUD_HOST               bind + endpoint host          (default 127.0.0.1)
#   LOCAL_CLOUD_MOTO_PORT          moto, plain HTTP, all services but Kinesis  (default 4566)
#   LOCAL_CLOUD_KINESIS_TLS_PORT   kinesis-mock HTTPS (KPL)      (default 4567)
#   LOCAL_CLOUD_KINESIS_PORT       kinesis-mock plain HTTP       (default 4568)
#   LOCAL_CLOUD_STS_TLS_PORT       moto over HTTPS, for the KPL's STS call   (default 4569)
#   LOCAL_CLOUD_ACCOUNT_ID         account of both mocks         (default 000000000000)
#   LOCAL_CLOUD_REGION             region                        (default us-east-1)
#   LOCAL_CLOUD_SHARD_LIMIT        kinesis-mock shard limit      (default 500)
#   LOCAL_CLOUD_VENV               python virtualenv for moto    (default <repo>/localstack/.venv)
#   LOCAL_CLOUD_START_TIMEOUT      seconds to wait for health    (default 120)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/.." && pwd)"

STATE_DIR="${LOCAL_CLOUD_STATE_DIR:-$REPO_ROOT/.local-cloud}"
HOST="${LOCAL_CLOUD_HOST:-127.0.0.1}"
MOTO_PORT="${LOCAL_CLOUD_MOTO_PORT:-4566}"
KINESIS_TLS_PORT="${LOCAL_CLOUD_KINESIS_TLS_PORT:-4567}"
KINESIS_PORT="${LOCAL_CLOUD_KINESIS_PORT:-4568}"
STS_TLS_PORT="${LOCAL_CLOUD_STS_TLS_PORT:-4569}"
ACCOUNT_ID="${LOCAL_CLOUD_ACCOUNT_ID:-000000000000}"
REGION="${LOCAL_CLOUD_REGION:-us-east-1}"
SHARD_LIMIT="${LOCAL_CLOUD_SHARD_LIMIT:-500}"
VENV="${LOCAL_CLOUD_VENV:-$HERE/.venv}"
START_TIMEOUT="${LOCAL_CLOUD_START_TIMEOUT:-120}"

KINESIS_MAIN="$HERE/node_modules/kinesis-local/main.js"
KINESIS_CERT="$HERE/node_modules/kinesis-local/server.json"
SERVICES=(kinesis moto moto-sts)

log() { echo "local-cloud: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- install

# Re-installs only when the pinned lock file changed (its hash is stamped into the install).
install_node() {
  local stamp="$HERE/node_modules/.local-cloud-stamp" want
  want="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$KINESIS_MAIN" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  command -v npm >/dev/null || die "npm not found (Node.js 18+ is needed for kinesis-mock)"
  log "installing kinesis-mock (npm ci) ..."
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed"
  echo "$want" > "$stamp"
}

install_python() {
  local stamp="$VENV/.local-cloud-stamp" want
  want="$(cat "$HERE/requirements.txt" "$HERE/constraints.txt" | sha256sum | cut -d' ' -f1)"
  if [[ -x "$VENV/bin/moto_server" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  command -v python3 >/dev/null || die "python3 not found"
  log "installing moto server into $VENV ..."
  if [[ ! -x "$VENV/bin/python" ]]; then
    python3 -m venv "$VENV" >&2 \
      || die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      -r "$HERE/requirements.txt" -c "$HERE/constraints.txt" >&2 || die "pip install failed"
  echo "$want" > "$stamp"
}

install_all() {
  # One installer at a time, even across state dirs: the installs are shared.
  exec 8>"$HERE/.install.lock"
  flock 8
  install_node
  install_python
  flock -u 8
}

# ---------------------------------------------------------------- processes

pid_file() { echo "$STATE_DIR/$1.pid"; }

# A service "runs" when its pid file names a live process whose command line is ours
# (guards against a recycled pid after a reboot or a kill -9).
service_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "local-cloud-state=$STATE_DIR " || return 1
  echo "$pid"
}

service_port() {
  case "$1" in
    kinesis) echo "$KINESIS_PORT,$KINESIS_TLS_PORT" ;;
    moto) echo "$MOTO_PORT" ;;
    moto-sts) echo "$STS_TLS_PORT" ;;
  esac
}

port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# setsid: each service leads its own process group, so stop can signal it with its children.
# The marker argument ties the process to this state dir (see service_pid).
launch() {
  local name="$1"; shift
  local logf="$STATE_DIR/$name.log"
  : > "$logf"
  # 8>&- 9>&-: the services must not inherit (and so hold forever) the install/state locks.
  setsid "$@" >>"$logf" 2>&1 < /dev/null 8>&- 9>&- &
  local pid=$!
  echo "$pid" > "$(pid_file "$name")"
  # Until setsid has exec'd the service, the new pid shows this script's command line, without the marker that
  # service_pid looks for: wait for it, so that stop (also a failed start's) and status find the service from here.
  local _
  for _ in $(seq 1 100); do
    service_pid "$name" >/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 0   # it did exit: wait_healthy reports it, with its log
    sleep 0.05
  done
}

start_kinesis() {
  # kinesis-mock is a Scala.js build (plain node, no JVM). It binds 0.0.0.0 and has no host
  # setting: loopback-only.cjs forces the listen host. Persistence stays off (fresh on start).
  # The cats-effect starvation check only floods the log on this shared 2-core machine: off.
  ( cd "$STATE_DIR" && \
    LOCAL_CLOUD_BIND_HOST="$HOST" \
    KINESIS_MOCK_CERT_PATH="$KINESIS_CERT" \
    KINESIS_MOCK_TLS_PORT="$KINESIS_TLS_PORT" \
    KINESIS_MOCK_PLAIN_PORT="$KINESIS_PORT" \
    SHARD_LIMIT="$SHARD_LIMIT" \
    AWS_ACCOUNT_ID="$ACCOUNT_ID" \
    AWS_REGION="$REGION" \
    SHOULD_PERSIST_DATA=false \
    CATS_EFFECT_CPU_STARVATION_CHECK_INITIAL_DELAY="${CATS_EFFECT_CPU_STARVATION_CHECK_INITIAL_DELAY:-Inf}" \
    LOG_LEVEL="${LOCAL_CLOUD_KINESIS_LOG_LEVEL:-WARN}" \
    launch kinesis node --require "$HERE/loopback-only.cjs" "$KINESIS_MAIN" \
      "--local-cloud-state=$STATE_DIR" )
}

# moto_server's argparse rejects unknown flags, so the marker goes through a tiny wrapper instead.
moto_wrapper() {
  local w="$STATE_DIR/moto_server.py"
  cat > "$w" <<'PY'
import functools, sys, threading
from moto.server import main
from moto.dynamodb.models import DynamoDBBackend
# DynamoDB applies a conditional write to an item atomically; moto's threaded server checks and writes without a
# lock, so two concurrent conditional claims could both win. One lock over the writes restores that guarantee.
_writes = threading.RLock()
def _atomic(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _writes:
            return fn(*args, **kwargs)
    return wrapper
for _name in ("put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"):
    setattr(DynamoDBBackend, _name, _atomic(getattr(DynamoDBBackend, _name)))
# Drop our process marker (--local-cloud-state=...) before moto parses its arguments.
main([a for a in sys.argv[1:] if not a.startswith("--local-cloud-state=")])
PY
  echo "$w"
}

start_moto_services() {
  local wrapper; wrapper="$(moto_wrapper)"
  # shellcheck disable=SC2317
  start_moto_one() {
    local name="$1" port="$2"; shift 2
    ( cd "$STATE_DIR" && \
      MOTO_ACCOUNT_ID="$ACCOUNT_ID" \
      AWS_DEFAULT_REGION="$REGION" \
      launch "$name" "$VENV/bin/python" "$wrapper" -H "$HOST" -p "$port" "$@" \
        "--local-cloud-state=$STATE_DIR" )
  }
  service_pid moto >/dev/null || start_moto_one moto "$MOTO_PORT"
  # HTTPS with an ad-hoc self-signed cert (needs `cryptography`): the KPL calls STS over HTTPS only.
  service_pid moto-sts >/dev/null || start_moto_one moto-sts "$STS_TLS_PORT" --ssl
}

# ---------------------------------------------------------------- health (real API calls)

SIG_DATE() { date -u +%Y%m%dT%H%M%SZ; }
auth_header() {
  echo "Authorization: AWS4-HMAC-SHA256 Credential=test/$(date -u +%Y%m%d)/$REGION/$1/aws4_request, SignedHeaders=host;x-amz-date, Signature=0"
}

kinesis_list_streams() { # $1 = base url
  curl -sS -k --max-time 3 -X POST "$1/" \
    -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: Kinesis_20131202.ListStreams' \
    -H "X-Amz-Date: $(SIG_DATE)" -H "$(auth_header kinesis)" -d '{}' 2>/dev/null
}

sts_caller_account() { # $1 = base url; prints the account id
  curl -sS -k --max-time 3 -X POST "$1/" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    -H "X-Amz-Date: $(SIG_DATE)" -H "$(auth_header sts)" \
    -d 'Action=GetCallerIdentity&Version=2011-06-15' 2>/dev/null \
    | sed -n 's:.*<Account>\([0-9]*\)</Account>.*:\1:p'
}

healthy() {
  case "$1" in
    kinesis)
      kinesis_list_streams "http://$HOST:$KINESIS_PORT" | grep -q StreamNames &&
      kinesis_list_streams "https://$HOST:$KINESIS_TLS_PORT" | grep -q StreamNames ;;
    moto) [[ "$(sts_caller_account "http://$HOST:$MOTO_PORT")" == "$ACCOUNT_ID" ]] ;;
    moto-sts) [[ "$(sts_caller_account "https://$HOST:$STS_TLS_PORT")" == "$ACCOUNT_ID" ]] ;;
  esac
}

# Within a start the pid files are that start's own, or were just checked by service_pid: a pid that lives (not
# a zombie) is pending until it answers, even in the moment its command line does not show the marker yet
# (between fork and exec, or while exec swaps the image).
service_alive() {
  local pid stat state
  pid="$(cat "$(pid_file "$1")" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  state="${stat##*) }"          # the name in parentheses may hold spaces; the state follows it
  state="${state%% *}"
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

wait_healthy() { # [$1 = seconds to wait, default START_TIMEOUT]
  local limit="${1:-$START_TIMEOUT}"
  local deadline=$((SECONDS + limit)) name pending
  while :; do
    pending=()
    for name in "${SERVICES[@]}"; do
      if ! service_alive "$name"; then
        if [[ -s "$STATE_DIR/$name.log" ]]; then
          log "$name failed during start: it exited; last log lines ($STATE_DIR/$name.log):"
          tail -n 20 "$STATE_DIR/$name.log" >&2 || true
        else
          # Killed from outside (SIGKILL leaves no last words): the kernel's OOM killer is the usual suspect.
          log "$name failed during start: it exited with an empty log (killed from outside? $(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo 2>/dev/null) MiB of memory available now)"
        fi
        return 1
      fi
      healthy "$name" && continue
      # A service that could not listen may stay alive without ever answering (kinesis-mock has kept running
      # after one of its two servers failed to bind): its log says so, and waiting out the timeout would not.
      if grep -qiE 'EADDRINUSE|address already in use' "$STATE_DIR/$name.log" 2>/dev/null; then
        log "$name failed during start: it cannot listen; last log lines ($STATE_DIR/$name.log):"
        tail -n 20 "$STATE_DIR/$name.log" >&2 || true
        return 1
      fi
      pending+=("$name")
    done
    [[ ${#pending[@]} -eq 0 ]] && return 0
    if (( SECONDS >= deadline )); then
      log "not healthy after ${limit}s: ${pending[*]} (logs in $STATE_DIR)"
      for name in "${pending[@]}"; do
        log "last log lines of $name:"
        tail -n 10 "$STATE_DIR/$name.log" >&2 || true
      done
      return 1
    fi
    sleep 0.5
  done
}

# ---------------------------------------------------------------- stop

# Signals all recorded services at once, waits up to 5 s, then SIGKILLs what is left.
# Negative pid = the process group setsid made: the service and its children, nothing else.
stop_services() {
  local name pid i pids=() names=()
  for name in "$@"; do
    if pid="$(service_pid "$name")"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    fi
  done
  for ((i = 0; i < 50; i++)); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for i in "${!pids[@]}"; do
    kill -0 -- "-${pids[$i]}" 2>/dev/null && kill -KILL -- "-${pids[$i]}" 2>/dev/null
    log "stopped ${names[$i]} (pid ${pids[$i]})"
  done
  for name in "$@"; do rm -f "$(pid_file "$name")"; done
}

# ---------------------------------------------------------------- env

env_lines() {
  cat <<EOF
export AWS_ENDPOINT_URL=http://$HOST:$MOTO_PORT
export AWS_ENDPOINT_URL_KINESIS=http://$HOST:$KINESIS_PORT
export SENSORPIPE_KPL_KINESIS_ENDPOINT=https://$HOST:$KINESIS_TLS_PORT
export SENSORPIPE_KPL_STS_ENDPOINT=https://$HOST:$STS_TLS_PORT
export AWS_REGION=$REGION
export AWS_DEFAULT_REGION=$REGION
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
EOF
}

write_env_file() {
  mkdir -p "$STATE_DIR"
  env_lines > "$STATE_DIR/env.tmp.$$" && mv "$STATE_DIR/env.tmp.$$" "$STATE_DIR/env"
}

# ---------------------------------------------------------------- commands

cmd_start() {
  local tool
  for tool in curl ss setsid flock; do
    command -v "$tool" >/dev/null || die "$tool not found (needed to start and health-check the local cloud)"
  done
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock 9                       # concurrent `start`s of one state dir make one cloud
  install_all
  local name all_up=1 port
  for name in "${SERVICES[@]}"; do service_pid "$name" >/dev/null || all_up=0; done
  # A cloud that is already up answers at once; a short wait tells a wedged service from a busy one.
  if (( all_up )) && wait_healthy 10; then
    write_env_file
    log "already running (state $STATE_DIR)"
    return 0
  fi
  # A service that runs but no longer answers (kinesis-mock's TLS port can wedge after many abandoned
  # connections) is restarted; like any restart, that service's in-memory state is lost.
  for name in "${SERVICES[@]}"; do
    if service_pid "$name" >/dev/null && ! healthy "$name"; then
      log "$name runs but does not answer: restarting it"
      stop_services "$name"
    fi
  done
  # Half-started clouds (one service died) are restarted whole-service by service.
  for name in "${SERVICES[@]}"; do
    service_pid "$name" >/dev/null && continue
    rm -f "$(pid_file "$name")"
    for port in $(service_port "$name" | tr ',' ' '); do
      # A service just stopped may hold its listening socket for a moment longer.
      for _ in 1 2 3 4 5 6 7 8 9 10; do port_in_use "$port" || break; sleep 0.5; done
      port_in_use "$port" && die "port $port (for $name) is in use by another process; set LOCAL_CLOUD_*_PORT"
    done
  done
  local t0=$SECONDS
  service_pid kinesis >/dev/null || start_kinesis
  start_moto_services
  if ! wait_healthy; then
    stop_services "${SERVICES[@]}"
    die "start failed"
  fi
  write_env_file
  log "started in $((SECONDS - t0))s (state $STATE_DIR): moto http://$HOST:$MOTO_PORT," \
      "kinesis http://$HOST:$KINESIS_PORT + https://$HOST:$KINESIS_TLS_PORT, sts https://$HOST:$STS_TLS_PORT"
}

cmd_stop() {
  [[ -d "$STATE_DIR" ]] || { log "not running (no $STATE_DIR)"; return 0; }
  exec 9>"$STATE_DIR/.lock"
  flock 9
  stop_services "${SERVICES[@]}"
  # A stale env file would point scripts at endpoints that no longer answer.
  rm -f "$STATE_DIR/env"
}

cmd_status() {
  local name pid rc=0 state
  for name in "${SERVICES[@]}"; do
    if pid="$(service_pid "$name")"; then
      if healthy "$name"; then state=up; else state=unhealthy; rc=3; fi
      printf '%-9s %-10s pid %-8s port %s\n' "$name" "$state" "$pid" "$(service_port "$name")"
    else
      printf '%-9s %-10s %-12s port %s\n' "$name" stopped "" "$(service_port "$name")"
      rc=3
    fi
  done
  echo "state dir: $STATE_DIR"
  return $rc
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) env_lines; write_env_file ;;
  install) install_all ;;
  *) echo "usage: $(basename "$0") start|stop|status|env|install" >&2; exit 2 ;;
esac
