package io.sensorpipe.cli.resources;

import io.sensorpipe.cli.SensorpipeCli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sensorpipe resources}: create the pipeline's resources (idempotent). */
@Command(name = "resources", mixinStandardHelpOptions = true,
        description = "Create the stream, tables, buckets, topic and queue (idempotent: existing ones are kept).")
public final class ResourcesCommand implements Callable<Integer> {
    @ParentCommand
    SensorpipeCli root;

    @Mixin
    ResourceOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ResourceNames names = options.names();
        LocalResources.Created created = new LocalResources(root.aws()).createAll(names);
        var out = spec.commandLine().getOut();
        created.actions().forEach(out::println);
        out.println("results stream: " + created.resultsStreamArn());
        out.flush();
        return 0;
    }
}
