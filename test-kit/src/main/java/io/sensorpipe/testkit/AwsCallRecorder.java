package io.sensorpipe.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every AWS operation a component calls during its tests, for the IAM coverage test in cdk
 * ({@code IamCoverageTest}): one tab-separated line per distinct call,
 * {@code component classes service operation resources} ({@code classes} = the main-code classes on the stack,
 * outermost first: which part of the component made the call — a Lambda handler, a CLI command, a Spark sink),
 * appended to {@code <module>/target/aws-calls/<component>-<pid>.tsv}.
 *
 * <p>Registered for every SDK v2 client by {@code software/amazon/awssdk/global/handlers/execution.interceptors}, so it
 * is active whenever test-kit is on a (test) classpath and never in a deployed jar (test-kit has test scope).
 *
 * <p>What counts as the component's call, and what is test infrastructure (creating streams, tables, buckets):
 * <ul>
 *   <li>a call is recorded only when the calling thread's stack contains a class of the module's own <em>main</em>
 *       code (loaded from the module's {@code target/classes} or jar; not {@code test-classes}, not test-kit, not
 *       other modules): fixtures and test code calling the SDK directly or through shared helpers are never
 *       recorded, and component code on any thread (Spark tasks, KCL workers, the KPL's callbacks) is;</li>
 *   <li>a test that sets up resources <em>through</em> main code (e.g. a job's {@code --create-resources}) wraps that
 *       in {@link #fixture(Callable)}; calls on that thread are then not recorded;</li>
 *   <li>a client built with {@link #FIXTURE_CLIENT} set to true is never recorded (for fixtures that hand a client
 *       to main code).</li>
 * </ul>
 * The component is the system property {@code sensorpipe.component}, else the module directory's name.
 */
public final class AwsCallRecorder implements ExecutionInterceptor {
    /** Put {@code true} on a client's override configuration to exclude its calls. */
    public static final ExecutionAttribute<Boolean> FIXTURE_CLIENT = new ExecutionAttribute<>("SensorpipeFixtureClient");
    /** Set to {@code false} to turn recording off for a JVM. */
    public static final String ENABLED_PROPERTY = "sensorpipe.awsCalls";
    public static final String COMPONENT_PROPERTY = "sensorpipe.component";
    /** Directory under the module's {@code target/} with the recordings. */
    public static final String DIRECTORY = "aws-calls";

    private static final ThreadLocal<Boolean> IN_FIXTURE = ThreadLocal.withInitial(() -> false);
    private static final Set<String> WRITTEN = ConcurrentHashMap.newKeySet();
    private static final Map<Class<?>, Boolean> MAIN_CODE = new ConcurrentHashMap<>();
    /** Request fields that name the resource a call acts on (member names of the SDK's request shapes). */
    private static final List<String> RESOURCE_FIELDS = List.of("TableName", "StreamName", "StreamARN", "StreamArn", "ConsumerARN",
            "Bucket", "Key", "Prefix", "TopicArn", "TargetArn", "QueueUrl", "Namespace", "JobFlowId", "ClusterId",
            "applicationId", "DeliveryStreamName", "FunctionName", "KeyId");

    /** Runs {@code setup} as test infrastructure: the AWS calls it makes on this thread are not recorded. */
    public static <T> T fixture(Callable<T> setup) throws Exception {
        boolean before = IN_FIXTURE.get();
        IN_FIXTURE.set(true);
        try {
            return setup.call();
        } finally {
            IN_FIXTURE.set(before);
        }
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY)) || IN_FIXTURE.get()
                || Boolean.TRUE.equals(attributes.getAttribute(FIXTURE_CLIENT)) || !calledFromMainCode()) {
            return;
        }
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String line = component() + "\t" + entryClass() + "\t" + service + "\t" + operation + "\t" + String.join(",", resources(context.request())) + "\n";
        if (WRITTEN.add(line)) {
            write(line);
        }
    }

    /** The resource names the request carries ({@code Field=value}), with BatchWriteItem/BatchGetItem's tables. */
    static List<String> resources(SdkRequest request) {
        List<String> found = new ArrayList<>();
        for (String field : RESOURCE_FIELDS) {
            // Only plain names: DynamoDB's "Key" is an item key (a map), not a resource.
            request.getValueForField(field, Object.class).filter(String.class::isInstance)
                    .ifPresent(value -> found.add(field + "=" + value));
        }
        request.getValueForField("RequestItems", Map.class).ifPresent(items -> items.keySet()
                .forEach(table -> found.add("TableName=" + table)));
        return found;
    }

    /**
     * The main-code classes on the stack, outermost first, joined by {@code >} (e.g.
     * {@code AlertsCli>LocalEventSourceRunner>AlertHandler>AlertStateStore}): which parts of the component made the call,
     * so the IAM test can tell a Lambda handler from the CLI that drives it locally.
     */
    private static String entryClass() {
        List<String> main = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .map(StackWalker.StackFrame::getDeclaringClass)
                .filter(type -> MAIN_CODE.computeIfAbsent(type, AwsCallRecorder::isMainCode))
                .map(type -> type.getName().replaceAll("\\$.*", ""))
                .distinct()
                .toList());
        if (main.isEmpty()) {
            return "?";
        }
        List<String> outermostFirst = new ArrayList<>(main);
        java.util.Collections.reverse(outermostFirst);
        return String.join(">", outermostFirst);
    }

    private static boolean calledFromMainCode() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .map(StackWalker.StackFrame::getDeclaringClass)
                .anyMatch(type -> MAIN_CODE.computeIfAbsent(type, AwsCallRecorder::isMainCode)));
    }

    /** Where this module's main classes come from: {@code <module>/target/} (classes dir or the module's jar). */
    private static final Path MODULE_TARGET = Path.of(System.getProperty("user.dir"), "target").toAbsolutePath().normalize();

    /**
     * Main code of the module under test: loaded from its own {@code target/} (classes or jar), not test-classes.
     * Classes of other modules (shared helpers such as sensor-aws' table creation used by fixtures) do not count,
     * so setup through them is not recorded; the component's own frame further out still is when it uses them.
     */
    private static boolean isMainCode(Class<?> type) {
        if (!type.getName().startsWith("io.sensorpipe.") || type.getName().startsWith("io.sensorpipe.testkit.")) {
            return false;
        }
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return false;
        }
        try {
            Path location = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            return location.startsWith(MODULE_TARGET) && !location.toString().contains("test-classes");
        } catch (java.net.URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return false;
        }
    }

    static String component() {
        String configured = System.getProperty(COMPONENT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath().getFileName();
        return dir == null ? "unknown" : dir.toString();
    }

    private static synchronized void write(String line) {
        Path dir = Path.of(System.getProperty("user.dir"), "target", DIRECTORY);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(component() + "-" + ProcessHandle.current().pid() + ".tsv"), line,
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record AWS call in " + dir + ": " + e.getMessage(), e);
        }
    }
}
