package io.sensorpipe.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.sensorpipe.cdk.config.StackConfig;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;

/** The CDK app: {@code cdk synth|deploy} runs this main (see cdk.json). */
public final class SensorpipeApp {
    /**
     * Feature flags set in code (not only cdk.json) so the template tests synthesize exactly what the CLI does.
     */
    public static final Map<String, Object> FEATURE_FLAGS = Map.of(
            "@aws-cdk/aws-iam:minimizePolicies", true,
            "@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption", true,
            "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true,
            "@aws-cdk/aws-lambda:recognizeVersionProps", true,
            "@aws-cdk/aws-lambda:recognizeLayerVersion", true,
            "@aws-cdk/core:enablePartitionLiterals", true,
            "@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope", true);

    private SensorpipeApp() {
    }

    public static void main(String[] args) {
        App app = newApp(Map.of());
        addPipeline(app);
        app.synth();
    }

    /** An app with our feature flags plus {@code context} (the CLI adds cdk.json and -c values itself). */
    public static App newApp(Map<String, Object> context) {
        Map<String, Object> merged = new HashMap<>(FEATURE_FLAGS);
        merged.putAll(context);
        return new App(AppProps.builder().context(merged).build());
    }

    /** Adds the pipeline stack configured from the app's context, checked by cdk-nag's AwsSolutions pack. */
    public static PipelineStack addPipeline(App app) {
        StackConfig config = StackConfig.fromContext(app.getNode()::tryGetContext);
        PipelineStack stack = new PipelineStack(app, config.prefix(), config);
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
    }
}
