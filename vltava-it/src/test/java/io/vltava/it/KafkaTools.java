package io.vltava.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Kafka's command-line tools as a user runs them: {@code bin/*.sh} scripts in a temporary Kafka home
 * that start the tool classes of Kafka 4.4's kafka-tools artifact (on the test class path) with this
 * JVM, and a check for programs such as kcat on the PATH.
 *
 * <p>Threading: stateless.
 */
final class KafkaTools {

    private KafkaTools() {
    }

    /**
     * Writes one script per entry (script name to tool class) under {@code home/bin}.
     *
     * @return {@code home}
     */
    static Path install(Path home, Map<String, String> scripts) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (Map.Entry<String, String> tool : scripts.entrySet()) {
            Path script = home.resolve("bin").resolve(tool.getKey());
            Files.writeString(script, "#!/usr/bin/env bash\nexec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                    + System.getProperty("java.class.path") + "' " + tool.getValue() + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
