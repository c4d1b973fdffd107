# Helpers for scripts/deploy, deploy-localstack, destroy, outputs (sourced after scripts/lib.sh, not run).
# shellcheck shell=bash
CDK_DIR="$SENSORPIPE_ROOT/cdk"
LAMBDA_JAR="$SENSORPIPE_ROOT/lambda-alerts/target/lambda-alerts-0.1.0-SNAPSHOT-all.jar"
EMR_JAR="$SENSORPIPE_ROOT/emr-streaming/target/emr-streaming-0.1.0-SNAPSHOT-all.jar"
ARCHIVE_TRANSFORM_JAR="$SENSORPIPE_ROOT/firehose-archive/target/firehose-archive-0.1.0-SNAPSHOT-all.jar"
SUPERVISOR_JAR="$SENSORPIPE_ROOT/job-supervisor/target/job-supervisor-0.1.0-SNAPSHOT-all.jar"

export CDK_DISABLE_CLI_TELEMETRY=true
# jsii (the CDK's Java bridge) warns loudly on node releases it no longer supports; the synth still works.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-18,20}"
# aws-cdk-lib's own internal uses of deprecated props print warnings that are not ours to fix.
export JSII_DEPRECATED="${JSII_DEPRECATED:-quiet}"

# Builds the CDK app (and, through its reactor dependencies, the Lambda and Spark jars it deploys) and installs
# the pinned CDK CLI from cdk/package-lock.json on first use.
cdk_ready() {
  ensure_built cdk || return 1
  if [[ ! -f "$LAMBDA_JAR" || ! -f "$EMR_JAR" || ! -f "$ARCHIVE_TRANSFORM_JAR" || ! -f "$SUPERVISOR_JAR" ]]; then
    echo "building the deployable jars (lambda-alerts, firehose-archive, emr-streaming, job-supervisor) ..." >&2
    (cd "$SENSORPIPE_ROOT" && mvn -q -B -pl lambda-alerts,firehose-archive,emr-streaming,job-supervisor -am package -DskipTests) >&2 || {
      echo "build of lambda-alerts / firehose-archive / emr-streaming / job-supervisor failed" >&2
      return 1
    }
  fi
  if [[ ! -x "$CDK_DIR/node_modules/.bin/cdk" ]]; then
    echo "installing the pinned AWS CDK CLI (npm ci in cdk/) ..." >&2
    (cd "$CDK_DIR" && npm ci --no-audit --no-fund --loglevel=error) >&2 || return 1
  fi
}

# Runs the pinned cdk CLI (or cdklocal with CDK_BIN=cdklocal) from cdk/.
run_cdk() {
  local bin="${CDK_BIN:-cdk}"
  (cd "$CDK_DIR" && "./node_modules/.bin/$bin" "$@")
}

# Prints only the "-c key=value" / "--context key=value" pairs of the given arguments, one per line (for bootstrap,
# which shares the app's context but not deploy's options).
context_args() {
  while (($#)); do
    case "$1" in
      -c | --context) [[ $# -ge 2 ]] && printf '%s\n%s\n' "$1" "$2"; shift 2 || shift ;;
      --context=*) printf '%s\n' "$1"; shift ;;
      *) shift ;;
    esac
  done
}

# Prints key=value for every output of the stack recorded in FILE (written by deploy --outputs-file).
print_outputs_file() {
  local file="$1"
  node -e '
    const outputs = require(process.argv[1]);
    for (const [stack, values] of Object.entries(outputs)) {
      console.log(`# stack ${stack}`);
      for (const [key, value] of Object.entries(values)) console.log(`${key}=${value}`);
    }' "$file"
}

# Prints the value of KEY from `scripts/outputs` (live CloudFormation or the last deploy's record); fails naming KEY.
stack_output() {
  local key="$1" stack="${2:-${SENSORPIPE_STACK:-sensorpipe}}" value
  value="$("$SENSORPIPE_ROOT/scripts/outputs" "$stack" | sed -n "s/^$key=//p" | head -n1)"
  if [[ -z "$value" ]]; then
    echo "stack output $key not found for stack '$stack' (deploy first with scripts/deploy, or set SENSORPIPE_STACK to your prefix)" >&2
    return 1
  fi
  printf '%s\n' "$value"
}

# The URI of the driver's own stderr of an EMR step that runs spark-submit in cluster mode, or nothing (status 1).
# The step's stderr is spark-submit's client, which names the YARN application; the driver runs in the first
# container of the application's last attempt (container_..._<attempt>_000001), pushed under containers/.
#   emr_driver_log LOG_URI CLUSTER_ID STEP_STDERR_TEXT
emr_driver_log() {
  local base="$1" cluster="$2" step_log="$3" app prefix container
  app="$(grep -o 'application_[0-9]*_[0-9]*' <<<"$step_log" | tail -n1)" || true
  [[ -n "$app" ]] || return 1
  prefix="${base}${cluster}/containers/${app}/"
  container="$(aws s3 ls "$prefix" 2>/dev/null | awk '{print $2}' | grep '_000001/$' | sort | tail -n1)" || true
  [[ -n "$container" ]] || return 1
  printf '%s%sstderr.gz\n' "$prefix" "$container"
}
