package io.sensorpipe.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorpipe.contract.JobOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IAM proven against real calls: every AWS operation a deployed component made during its module's tests (recorded
 * by test-kit's {@code AwsCallRecorder} into {@code <module>/target/aws-calls/}) must be allowed for that component's
 * role in the synthesized template: the action, on the right resource (ARN of the right table, stream, bucket
 * prefix, topic, cluster), plus the KMS key permission an encrypted resource needs.
 *
 * <p>Recorded names are the tests' random ones, so a call is mapped to the template resource it stands for by the
 * kind of resource and the pipeline's naming (tables {@code *job-state*}, other {@code *state*} = alert state, else
 * results;
 * S3 keys by prefix: {@code checkpoints}, {@code dead-letters/} → state bucket, {@code raw/}, {@code errors/} →
 * archive; topics {@code *ops*} → ops topic, else alerts).
 *
 * <p>The reactor builds cdk last, so in a full {@code mvn verify} every module's ITs have recorded first. Run alone,
 * missing recordings are listed and the test is skipped for them, unless {@code -Dsensorpipe.iam.requireAll=true}.
 */
class IamCoverageTest {
    /**
     * Which entry classes of which module run as which role (logical-id prefix of the role in the template); a null
     * role marks an operator or local tool of that module (not deployed, so not checked). First match wins.
     */
    private static final List<Mapping> MAPPINGS = List.of(
            new Mapping("job-supervisor", "io.sensorpipe.supervisor.", "JobRole"),
            // The Spark job (streaming and archive reprocessing) runs as the EMR instance role.
            new Mapping("emr-streaming", "io.sensorpipe.", "StreamingClusterInstanceRole"),
            new Mapping("lambda-alerts", "io.sensorpipe.alerts.AlertHandler", "AlertingFunctionRole"),
            // The local event-source runner stands in for Lambda's stream mapping, which reads the stream and sends
            // failed batches to the DLQ with the function's role.
            new Mapping("lambda-alerts", "io.sensorpipe.alerts.runner.", "AlertingFunctionRole"),
            new Mapping("lambda-alerts", "io.sensorpipe.alerts.tail.", null),
            new Mapping("lambda-alerts", "io.sensorpipe.alerts.cli.", null),
            // The rest of the module (cooldown store, publisher) is the handler's code, tested on its own.
            new Mapping("lambda-alerts", "io.sensorpipe.alerts.", "AlertingFunctionRole"));
    /** Modules whose recorded calls are local tools or stand-ins, not deployed code with a role of this stack. */
    private static final Map<String, String> NOT_DEPLOYED = Map.of(
            "cli", "local pipeline, query and dashboard commands run by a user with their own credentials",
            "kpl-producer", "runs on the producer's machines with the ProducerPolicy; its puts go through the KPL's native daemon, which the SDK interceptor cannot see",
            "firehose-archive", "the KCL bridge stands in for Firehose locally and replay/verify are operator commands; the deployed transform Lambda makes no AWS calls",
            "localstack", "tests of the local cloud itself",
            "test-kit", "the fixture itself",
            "sensor-aws", "table helpers used by local setup");
    /** Components whose recordings the full build must contain. */
    private static final List<String> REQUIRED = List.of("job-supervisor", "emr-streaming", "lambda-alerts");
    /**
     * Operations only local runs make (the job's --create-resources, the CLI's local resources): a deployment never
     * does them, which the test checks for the job by its synthesized arguments.
     */
    private static final Set<String> LOCAL_ONLY = Set.of("CreateTable", "UpdateTimeToLive", "DescribeTimeToLive", "CreateBucket",
            "HeadBucket", "CreateStream", "CreateTopic", "CreateQueue", "DeleteTable", "DeleteBucket", "DeleteStream");

    private record Mapping(String component, String entryPrefix, String rolePrefix) {
    }

    private record Call(String component, String entry, String service, String operation, Map<String, String> resources) {
        String action() {
            String prefix = switch (service) {
                case "DynamoDb", "DynamoDbStreams" -> "dynamodb";
                case "Emr" -> "elasticmapreduce";
                case "EmrServerless" -> "emr-serverless";
                case "CloudWatch" -> "cloudwatch";
                default -> service.toLowerCase(Locale.ROOT);
            };
            String op = switch (prefix + ":" + operation) {
                case "s3:ListObjectsV2", "s3:ListObjects", "s3:HeadBucket" -> "ListBucket";
                case "s3:HeadObject" -> "GetObject";
                case "s3:DeleteObjects" -> "DeleteObject";
                default -> operation;
            };
            return prefix + ":" + op;
        }

        @Override
        public String toString() {
            return component + " " + entry + " " + service + ":" + operation + " " + resources;
        }
    }

    private static SynthesizedPipeline pipeline;
    /** The EMR Serverless variant: EMR Serverless calls are checked against its roles. */
    private static SynthesizedPipeline serverless;
    private static List<Call> calls;

    @BeforeAll
    static void synthesizeAndRead() {
        pipeline = SynthesizedPipeline.synth(Map.of());
        serverless = SynthesizedPipeline.synth(Map.of("compute", "emr-serverless"));
        calls = readRecordings(Path.of("").toAbsolutePath().getParent());
    }

    @Test
    void everyRecordedCallOfADeployedComponentIsAllowedForItsRoleOnItsResourceWithItsKey() {
        Set<String> present = new TreeSet<>();
        calls.forEach(call -> present.add(call.component()));
        List<String> missing = REQUIRED.stream().filter(component -> !present.contains(component)).toList();
        String report = "recordings present for " + present + "; missing for " + missing
                + " (run those modules' ITs first, e.g. the full `mvn verify`, which builds cdk last)";
        System.out.println("IAM coverage: " + report);
        if (Boolean.getBoolean("sensorpipe.iam.requireAll")) {
            assertThat(missing).as(report).isEmpty();
        }
        Assumptions.assumeTrue(present.stream().anyMatch(REQUIRED::contains), "no recordings at all: " + report);

        List<String> denied = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        int checked = 0;
        for (Call call : calls) {
            if (NOT_DEPLOYED.containsKey(call.component()) || LOCAL_ONLY.contains(call.operation())) {
                continue;
            }
            Mapping mapping = mappingFor(call);
            if (mapping == null) {
                unmapped.add(call.toString());
                continue;
            }
            if (mapping.rolePrefix() == null) {
                continue;
            }
            String role = mapping.rolePrefix();
            checked++;
            String problem = check(role, call);
            if (problem != null) {
                denied.add(call + " -> " + problem);
            }
            // The same job on EMR Serverless runs as the execution role of the serverless variant.
            if (role.equals("StreamingClusterInstanceRole")) {
                String serverlessProblem = check(serverless, "StreamingServerlessExecutionRole", call);
                if (serverlessProblem != null) {
                    denied.add(call + " -> (emr-serverless) " + serverlessProblem);
                }
            }
        }
        assertThat(unmapped).as("calls from code with no role mapping in IamCoverageTest.MAPPINGS (add one)").isEmpty();
        assertThat(denied).as("recorded calls the synthesized IAM would deny").isEmpty();
        assertThat(checked).isPositive();
    }

    @Test
    void theDeployedJobNeverRunsTheLocalOnlyResourceCreation() {
        String args = String.valueOf(SynthesizedPipeline.properties(pipeline.resourcesOfType("Custom::SensorpipeStreamingJob")
                .values().iterator().next()).get("Args"));
        assertThat(args).contains(JobOptions.STREAM).doesNotContain(JobOptions.CREATE_RESOURCES);
    }

    @Test
    void theCheckerDeniesWhatTheTemplateDoesNotGrant() {
        // The checker itself, on calls the template must refuse: a write to the archive, a delete on results,
        // a publish to the alerts topic by the job.
        assertThat(check("StreamingClusterInstanceRole", call("S3", "PutObject", Map.of("Bucket", "a", "Key", "raw/year=2026/x.gz")))).isNotNull();
        assertThat(check("StreamingClusterInstanceRole", call("DynamoDb", "DeleteItem", Map.of("TableName", "t-results")))).isNotNull();
        assertThat(check("StreamingClusterInstanceRole", call("Sns", "Publish", Map.of("TopicArn", "arn:aws:sns:r:1:t-alerts")))).isNotNull();
        assertThat(check("StreamingClusterInstanceRole", call("S3", "GetObject", Map.of("Bucket", "a", "Key", "raw/year=2026/x.gz")))).isNull();
        assertThat(check(serverless, "StreamingServerlessExecutionRole", call("Kinesis", "GetRecords", Map.of()))).isNull();
        assertThat(check(serverless, "StreamingServerlessExecutionRole", call("DynamoDb", "BatchWriteItem", Map.of("TableName", "r")))).isNull();
        assertThat(check("AlertingFunctionRole", call("DynamoDb", "PutItem", Map.of("TableName", "alerts-it-state-1")))).isNull();
        assertThat(check("JobRole", call("S3", "PutObject", Map.of("Bucket", "s", "Key", "checkpoints.stop")))).isNull();
        assertThat(check("JobRole", call("S3", "PutObject", Map.of("Bucket", "s", "Key", "checkpoints/offsets/1")))).isNotNull();
        assertThat(check("JobRole", call("S3", "ListObjectsV2", Map.of("Bucket", "s", "Prefix", "checkpoints/commits/")))).isNull();
    }

    private static Call call(String service, String operation, Map<String, String> resources) {
        return new Call("test", "test", service, operation, resources);
    }

    // ---- mapping calls to template resources

    /** The first mapping of the call's module that names any class on the call's stack. */
    private static Mapping mappingFor(Call call) {
        List<String> chain = List.of(call.entry().split(">"));
        for (Mapping mapping : MAPPINGS) {
            if (mapping.component().equals(call.component()) && chain.stream().anyMatch(c -> c.startsWith(mapping.entryPrefix()))) {
                return mapping;
            }
        }
        return null;
    }

    /** The template resource (logical-id prefix) a call acts on, the object key (S3) and whether it uses the data key. */
    private record Target(String logicalIdPrefix, String objectKey, boolean encrypted, String keyPrefix) {
        Target(String logicalIdPrefix, String objectKey, boolean encrypted) {
            this(logicalIdPrefix, objectKey, encrypted, "DataKey");
        }
    }

    private static Target target(Call call) {
        Map<String, String> r = call.resources();
        switch (call.service()) {
            case "DynamoDb", "DynamoDbStreams" -> {
                String table = r.getOrDefault("TableName", r.getOrDefault("StreamArn", ""));
                if (table.contains("job-state")) {
                    return new Target("JobState", null, true);
                }
                String name = table.replaceFirst("/stream/.*", "");
                return new Target(name.contains("state") ? "TablesAlertState" : "TablesResults", null, true);
            }
            case "Kinesis" -> {
                return new Target("IngestReadings", null, true);
            }
            case "S3" -> {
                String key = r.getOrDefault("Key", r.get("Prefix"));
                String bucket = key != null && (key.startsWith("raw/") || key.startsWith("errors/")) ? "BucketsArchive" : "BucketsState";
                return new Target(bucket, key, true);
            }
            case "Sns" -> {
                String topic = r.getOrDefault("TopicArn", "");
                return new Target(topic.substring(topic.lastIndexOf(':') + 1).contains("ops") ? "MonitoringOpsTopic" : "AlertingTopic", null, true);
            }
            case "Sqs" -> {
                String queue = r.getOrDefault("QueueUrl", "");
                queue = queue.substring(queue.lastIndexOf('/') + 1);
                // The alert queues have their own key (SNS may use it only for the alerts topic).
                String id = queue.contains("dlq") || queue.contains("failed") ? "AlertingFailedBatches" : "AlertingTailQueue";
                return new Target(id, null, true, "AlertingQueueKey");
            }
            case "Emr" -> {
                return new Target(logicalIdOf(pipeline, "AWS::EMR::Cluster"), null, false);
            }
            case "EmrServerless" -> {
                return new Target(logicalIdOf(serverless, "AWS::EMRServerless::Application"), null, false);
            }
            case "CloudWatch" -> {
                return new Target("*", null, false);
            }
            case "CloudFormation" -> { // the deployer reads its own stack
                return new Target("AWS::StackId", null, false);
            }
            default -> {
                return new Target("?" + call.service(), null, false);
            }
        }
    }

    private static String logicalIdOf(SynthesizedPipeline template, String type) {
        var found = template.resourcesOfType(type).keySet();
        assertThat(found).as(type).hasSize(1);
        return found.iterator().next();
    }

    /** Null when allowed; otherwise why not (EMR Serverless calls against the serverless variant, others the default). */
    private static String check(String rolePrefix, Call call) {
        return check(call.service().equals("EmrServerless") ? serverless : pipeline, rolePrefix, call);
    }

    private static String check(SynthesizedPipeline template, String rolePrefix, Call call) {
        List<Map<String, Object>> statements = statementsOf(template, rolePrefix);
        if (statements.isEmpty()) {
            return "no policy for a role " + rolePrefix + " in the template";
        }
        Target target = target(call);
        boolean bucketLevel = call.service().equals("S3") && call.action().equals("s3:ListBucket");
        boolean allowed = statements.stream().anyMatch(s -> actionMatches(s, call.action())
                && resourceMatches(s, target, bucketLevel ? null : target.objectKey(), bucketLevel));
        if (!allowed) {
            List<Object> near = statements.stream().filter(s -> actionMatches(s, call.action())).map(s -> s.get("Resource")).toList();
            return "no Allow for " + call.action() + " on " + target.logicalIdPrefix() + (target.objectKey() == null ? "" : "/" + target.objectKey())
                    + " (the role allows it on " + near + ")";
        }
        if (target.encrypted() && !bucketLevel) {
            String kms = kmsActionFor(call);
            boolean keyAllowed = statements.stream().anyMatch(s -> actionMatches(s, kms) && String.valueOf(s.get("Resource")).contains(target.keyPrefix()));
            if (!keyAllowed) {
                return "no " + kms + " on the key " + target.keyPrefix() + ", which encrypts " + target.logicalIdPrefix();
            }
        }
        return null;
    }

    private static String kmsActionFor(Call call) {
        String op = call.operation();
        boolean write = op.startsWith("Put") || op.startsWith("Send") || op.startsWith("BatchWrite") || op.startsWith("Update") || op.equals("Publish")
                || op.startsWith("Create") || op.equals("UploadPart");
        // DynamoDB and reads need Decrypt; writes to S3, Kinesis and SNS generate data keys.
        if (call.service().startsWith("DynamoDb") || !write) {
            return "kms:Decrypt";
        }
        return "kms:GenerateDataKey";
    }

    private static boolean actionMatches(Map<String, Object> statement, String action) {
        for (String pattern : asList(statement.get("Action"))) {
            if (glob(pattern).matcher(action).matches()) {
                return true;
            }
        }
        return false;
    }

    private static boolean resourceMatches(Map<String, Object> statement, Target target, String objectKey, boolean bucketLevel) {
        for (Object resource : asObjects(statement.get("Resource"))) {
            String text = String.valueOf(resource);
            if (text.equals("*")) {
                if (target.logicalIdPrefix().equals("*")) {
                    return true;
                }
                continue;
            }
            if (!text.contains(target.logicalIdPrefix())) {
                continue;
            }
            String suffix = objectSuffix(resource);
            if (bucketLevel) {
                if (suffix == null) {
                    return true;
                }
            } else if (objectKey == null) {
                // Tables, streams, topics, clusters: the resource itself or one of its sub-resources (index/*, stream/*).
                return true;
            } else if (suffix != null && glob(suffix.startsWith("/") ? suffix.substring(1) : suffix).matcher(objectKey).matches()) {
                return true;
            }
        }
        return false;
    }

    /** For {"Fn::Join": ["", [{GetAtt bucket Arn}, "/prefix*"]]}: the "/prefix*" part; null for the bucket itself. */
    @SuppressWarnings("unchecked")
    private static String objectSuffix(Object resource) {
        if (resource instanceof Map<?, ?> map && map.containsKey("Fn::Join")) {
            List<Object> join = (List<Object>) map.get("Fn::Join");
            List<Object> parts = (List<Object>) join.get(1);
            StringBuilder suffix = new StringBuilder();
            boolean afterRef = false;
            for (Object part : parts) {
                if (part instanceof String text) {
                    if (afterRef) {
                        suffix.append(text);
                    }
                } else {
                    afterRef = true;
                }
            }
            return suffix.length() == 0 ? null : suffix.toString();
        }
        return null;
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(regex.toString());
    }

    /** Allow statements of the IAM policies attached to the role whose logical id starts with {@code rolePrefix}. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statementsOf(SynthesizedPipeline template, String rolePrefix) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (var policy : template.resourcesOfType("AWS::IAM::Policy").values()) {
            var props = SynthesizedPipeline.properties(policy);
            boolean attached = asObjects(props.get("Roles")).stream()
                    .anyMatch(role -> role instanceof Map<?, ?> ref && String.valueOf(ref.get("Ref")).startsWith(rolePrefix));
            if (attached) {
                for (Object statement : (List<Object>) ((Map<String, Object>) props.get("PolicyDocument")).get("Statement")) {
                    Map<String, Object> map = (Map<String, Object>) statement;
                    if ("Allow".equals(map.get("Effect"))) {
                        found.add(map);
                    }
                }
            }
        }
        return found;
    }

    private static List<String> asList(Object value) {
        return asObjects(value).stream().map(String::valueOf).toList();
    }

    private static List<Object> asObjects(Object value) {
        if (value instanceof Collection<?> collection) {
            return new ArrayList<>(collection);
        }
        return value == null ? List.of() : List.of(value);
    }

    // ---- recordings

    static List<Call> readRecordings(Path root) {
        List<Call> found = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                Path dir = module.resolve("target").resolve("aws-calls");
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".tsv")).toList()) {
                        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                            String[] parts = line.split("\t", -1);
                            if (parts.length < 5) {
                                continue;
                            }
                            Map<String, String> resources = new LinkedHashMap<>();
                            for (String pair : parts[4].split(",")) {
                                int eq = pair.indexOf('=');
                                if (eq > 0) {
                                    resources.put(pair.substring(0, eq), pair.substring(eq + 1));
                                }
                            }
                            // Service names as the SDK spells them ("DynamoDB Streams" → DynamoDbStreams).
                            String service = parts[2].replace(" ", "").replace("DynamoDBStreams", "DynamoDbStreams");
                            found.add(new Call(parts[0], parts[1], service, parts[3], resources));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
