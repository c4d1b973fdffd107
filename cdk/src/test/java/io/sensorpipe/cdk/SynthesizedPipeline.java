package io.sensorpipe.cdk;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;

/**
 * One synthesis of the app (the first in a JVM costs seconds): its template plus the error/warning messages that
 * cdk-nag and CDK attached. The Lambda and Spark jars are small real jars made in a temp dir, so the tests do not
 * depend on the other modules' shaded jars having been built.
 */
public record SynthesizedPipeline(PipelineStack stack, Template template, Map<String, Object> json, List<String> errors, List<String> warnings) {

    public static SynthesizedPipeline synth(Map<String, Object> context) {
        Map<String, Object> withJars = new HashMap<>();
        withJars.put("lambdaJar", smallJar("lambda-alerts-test").toString());
        withJars.put("archiveTransformJar", smallJar("firehose-archive-test").toString());
        withJars.put("emrJar", smallJar("emr-streaming-test").toString());
        withJars.put("supervisorJar", smallJar("job-supervisor-test").toString());
        withJars.put("region", "eu-west-1");
        withJars.putAll(context);
        App app = SensorpipeApp.newApp(withJars);
        PipelineStack stack = SensorpipeApp.addPipeline(app);
        CloudAssembly assembly = app.synth();
        CloudFormationStackArtifact artifact = assembly.getStackByName(stack.getStackName());
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) artifact.getTemplate();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (SynthesisMessage message : artifact.getMessages()) {
            String text = message.getId() + ": " + message.getEntry().getData();
            if (message.getLevel() == SynthesisMessageLevel.ERROR) {
                errors.add(text);
            } else if (message.getLevel() == SynthesisMessageLevel.WARNING) {
                warnings.add(text);
            }
        }
        return new SynthesizedPipeline(stack, Template.fromJSON(json), json, errors, warnings);
    }

    /** A real, minimal jar (manifest + one entry), like a shaded jar as far as asset staging is concerned. */
    public static Path smallJar(String name) {
        try {
            Path dir = Files.createTempDirectory("sensorpipe-cdk-test");
            Path jar = dir.resolve(name + ".jar");
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
                jarOut.putNextEntry(new JarEntry("sensorpipe/" + name + ".txt"));
                jarOut.write(("test asset " + name).getBytes(StandardCharsets.UTF_8));
                jarOut.closeEntry();
            }
            dir.toFile().deleteOnExit();
            jar.toFile().deleteOnExit();
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resources of one CloudFormation type: logical id → resource map. */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Object> resources = (Map<String, Object>) json.get("Resources");
        Map<String, Map<String, Object>> found = new HashMap<>();
        resources.forEach((id, value) -> {
            Map<String, Object> resource = (Map<String, Object>) value;
            if (type.equals(resource.get("Type"))) {
                found.put(id, resource);
            }
        });
        return found;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }
}
