package io.sensorpipe.cli.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@code java} command line of a module's main the way {@code scripts/lib.sh module_classpath} does:
 * {@code <module>/target/classes} plus the dependency classpath Maven wrote to {@code target/classpath.txt}.
 * A module that is not built, or whose main class does not exist (yet), fails here with a message naming it.
 */
public final class ModuleLauncher {
    private final Path root;
    private final String javaBinary;

    public ModuleLauncher(Path root) {
        this.root = root;
        this.javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A component could not be launched; the message says what is missing. */
    public static final class NotReadyException extends RuntimeException {
        public NotReadyException(String message) {
            super(message);
        }
    }

    public List<String> command(String component, String module, String mainClass, List<String> jvmOptions,
                                List<String> args) {
        Path moduleDir = root.resolve(module);
        Path classpathFile = moduleDir.resolve("target/classpath.txt");
        Path classes = moduleDir.resolve("target/classes");
        if (!Files.isRegularFile(classpathFile)) {
            throw new NotReadyException(component + ": module " + module + " is not built (" + classpathFile
                    + " missing; scripts/pipeline builds it, or: mvn -pl " + module + " -am install -DskipTests)");
        }
        Path mainClassFile = classes.resolve(mainClass.replace('.', '/') + ".class");
        if (!Files.isRegularFile(mainClassFile)) {
            throw new NotReadyException(component + ": main class " + mainClass + " not found in " + module
                    + "/target/classes (the module does not provide it yet)");
        }
        String deps;
        try {
            deps = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new NotReadyException(component + ": cannot read " + classpathFile + ": " + e.getMessage());
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classes + (deps.isEmpty() ? "" : ":" + deps));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
