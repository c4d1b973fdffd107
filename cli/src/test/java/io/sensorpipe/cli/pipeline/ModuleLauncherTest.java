package io.sensorpipe.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleLauncherTest {
    @TempDir
    Path root;

    @Test
    void unbuiltModuleFailsNamingTheComponentAndTheBuildCommand() {
        assertThatThrownBy(() -> new ModuleLauncher(root).command("streaming", "emr-streaming", "a.Main", List.of(),
                List.of())).isInstanceOf(ModuleLauncher.NotReadyException.class)
                .hasMessageStartingWith("streaming: module emr-streaming is not built")
                .hasMessageContaining("mvn -pl emr-streaming -am install");
    }

    @Test
    void missingMainClassFailsInsteadOfStartingSomethingElse() throws Exception {
        Files.createDirectories(root.resolve("lambda-alerts/target/classes"));
        Files.writeString(root.resolve("lambda-alerts/target/classpath.txt"), "/x.jar");
        assertThatThrownBy(() -> new ModuleLauncher(root).command("alerts", "lambda-alerts", "io.x.AlertsCli",
                List.of(), List.of())).isInstanceOf(ModuleLauncher.NotReadyException.class)
                .hasMessage("alerts: main class io.x.AlertsCli not found in lambda-alerts/target/classes"
                        + " (the module does not provide it yet)");
    }

    @Test
    void commandIsJavaWithTheModuleClassesThenItsDependencies() throws Exception {
        Path classes = Files.createDirectories(root.resolve("kpl-producer/target/classes/io/x"));
        Files.writeString(classes.resolve("Main.class"), "");
        Files.writeString(root.resolve("kpl-producer/target/classpath.txt"), "/a.jar:/b.jar\n");
        List<String> cmd = new ModuleLauncher(root).command("producer", "kpl-producer", "io.x.Main",
                List.of("-Xmx1g"), List.of("--stream", "s"));
        assertThat(cmd.get(0)).endsWith("/bin/java");
        assertThat(cmd.subList(1, cmd.size())).containsExactly("-Xmx1g", "-cp",
                root.resolve("kpl-producer/target/classes") + ":/a.jar:/b.jar", "io.x.Main", "--stream", "s");
    }
}
