package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.BrokerProcess;
import io.vltava.testing.TestDirectories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** bin/vltava's own behaviour: finding a JDK, and refusing bad settings with one line and exit code 2. */
class LauncherIT {

    @Test
    void saysClearlyWhenNoSuitableJdkIsFound() throws Exception {
        Path emptyJvmDir = Files.createTempDirectory("no-jvms-");
        try {
            Result result = run(List.of("version"), Map.of("JAVA_HOME", "/nonexistent-jdk", "VLTAVA_JVM_DIR", emptyJvmDir.toString()));
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.output()).contains("Vltava needs a JDK 21 or newer, and none was found.").contains("JAVA_HOME");
        } finally {
            TestDirectories.deleteQuietly(emptyJvmDir);
        }
    }

    @Test
    void findsAJdkByItself() throws Exception {
        Result result = run(List.of("version"), Map.of("JAVA_HOME", "/nonexistent-jdk"));
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).startsWith("vltava ");
    }

    @Test
    void refusesAnInvalidSettingWithOneLineAndExitCode2() throws Exception {
        Result result = run(List.of("server", "start", "--override", "num.partitions=many"), Map.of());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output().strip()).isEqualTo("vltava: Invalid value 'many' for configuration 'num.partitions': expected a 32-bit integer");
    }

    private static Result run(List<String> args, Map<String, String> environment) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(BrokerProcess.repositoryRoot().resolve("bin/vltava").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String withoutBuildNote = output.lines().filter(line -> !line.startsWith("vltava: building")).collect(Collectors.joining("\n"));
        return new Result(process.exitValue(), withoutBuildNote);
    }

    private record Result(int exitCode, String output) {
    }
}
