# Shared helpers for the scripts in scripts/ (sourced, not run).
# shellcheck shell=bash
SENSORPIPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Prints the calling script's header comment and exits 0 when any argument is -h or --help: `scripts/deploy --help`
# must not bootstrap an account on its way to cdk's own help, nor `scripts/destroy --help` stop the job.
help_if_asked() {
  local arg
  for arg in "$@"; do
    if [[ "$arg" == -h || "$arg" == --help ]]; then
      sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
    fi
  done
}

# Builds MODULE (and what it needs) once, when its classes or classpath file are missing or older than its sources.
ensure_built() {
  local module="$1"
  local dir="$SENSORPIPE_ROOT/$module"
  local stamp="$dir/target/classpath.txt"
  # Any module's main sources count: modules depend on each other (firehose-archive on kpl-producer, ...).
  if [[ ! -f "$stamp" ]] || [[ -n "$(find "$SENSORPIPE_ROOT"/*/src/main "$SENSORPIPE_ROOT"/*/pom.xml "$SENSORPIPE_ROOT/pom.xml" -newer "$stamp" -print -quit 2>/dev/null)" ]]; then
    echo "building $module (first use or sources changed) ..." >&2
    (cd "$SENSORPIPE_ROOT" && mvn -q -B -pl "$module" -am install -DskipTests) >&2 || {
      echo "build of $module failed" >&2
      return 1
    }
    # Maven leaves an unchanged classpath file alone; mark the build as fresh so the next run skips it.
    touch "$stamp"
  fi
}

# Prints the java classpath of MODULE (its jar or classes, then its dependencies).
module_classpath() {
  local module="$1"
  local dir="$SENSORPIPE_ROOT/$module"
  echo "$dir/target/classes:$(cat "$dir/target/classpath.txt")"
}

# The --add-opens flags Spark needs on Java 17 (from Spark's JavaModuleOptions), read from the root pom.
spark_java_opts() {
  sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' "$SENSORPIPE_ROOT/pom.xml"
}

# Exports the local cloud's endpoints and dummy credentials when it runs and no endpoint is set already.
use_local_cloud_if_running() {
  if [[ -z "${AWS_ENDPOINT_URL:-}" && -f "$SENSORPIPE_ROOT/.local-cloud/env" ]]; then
    # shellcheck disable=SC1091
    source "$SENSORPIPE_ROOT/.local-cloud/env"
  fi
}
