package io.sipdispatch.server.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * sipdispatch as an operator runs it: {@code java -Xmx256m -jar sipdispatch.jar run CONFIG} in a child
 * process, with a configuration file and a {@code dispatcher.list} written into a folder of the test.
 * {@link #start} returns once the server has written {@code sipdispatch ready} on stderr (all listeners
 * bound); {@link #close} sends SIGTERM, then kills it after 5 s. It runs under coreutils' {@code timeout},
 * so that it ends after 15 minutes even if the test JVM dies before stopping it.
 *
 * <p>The jar is the one the build made, named by the system property {@code sipdispatch.jar} that failsafe
 * sets ({@code server/target/sipdispatch.jar}).
 */
public final class SipdispatchProcess implements AutoCloseable {
    /** What the server writes on stderr once every listener is bound. */
    public static final String READY = "sipdispatch ready";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /** The longest a server may run: far more than any test class needs. */
    private static final Duration MAX_LIFETIME = Duration.ofMinutes(15);
    /** Netty tracks every buffer; the server logs each leak as LEAK: and checks for them at its stop. */
    static final String LEAK_LEVEL = "io.netty.leakDetection.level=paranoid";

    private final Path dir;
    private final Path config;
    private final Path stderr;
    private final Path stdout;
    private final List<String> command;
    private Process process;

    private SipdispatchProcess(Path dir, List<String> command) {
        this.dir = dir;
        this.config = dir.resolve("sipdispatch.yaml");
        this.stderr = dir.resolve("sipdispatch.stderr.log");
        this.stdout = dir.resolve("sipdispatch.stdout.log");
        this.command = command;
    }

    /** The runnable jar under test. */
    public static Path jar() {
        String property = System.getProperty("sipdispatch.jar");
        Path jar = Path.of(property != null ? property : "target/sipdispatch.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            fail("No sipdispatch jar at " + jar + " (system property sipdispatch.jar): build it with "
                + "'./mvnw verify -pl server', which runs these tests after packaging it");
        }
        return jar;
    }

    /**
     * Writes {@code configYaml} to {@code dir/sipdispatch.yaml} and {@code dispatcherList} to
     * {@code dir/dispatcher.list}, starts the server on them and waits until it is ready; fails with its
     * output when it does not get ready within 20 s.
     */
    public static SipdispatchProcess start(Path dir, String configYaml, String dispatcherList) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("sipdispatch.yaml"), configYaml, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("dispatcher.list"), dispatcherList, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Under coreutils' timeout, so that the server ends even if the test JVM is killed before @AfterAll:
        // SIGTERM after MAX_LIFETIME, SIGKILL 5 s later. timeout passes our SIGTERM on to java.
        List<String> command = List.of("timeout", "-k", "5", MAX_LIFETIME.toSeconds() + "s",
            java, "-Xmx256m", "-D" + LEAK_LEVEL, "-jar", jar().toString(), "run",
            dir.resolve("sipdispatch.yaml").toString());
        SipdispatchProcess p = new SipdispatchProcess(dir, command);
        p.launch();
        return p;
    }

    private void launch() {
        try {
            process = Sipp.launch(new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            Awaitility.await("sipdispatch ready")
                .atMost(START_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> stderrText().contains(READY) || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            // reported below
        }
        if (!stderrText().contains(READY)) {
            String state = process.isAlive() ? "still not ready after " + START_TIMEOUT.toSeconds() + " s"
                : "exited with " + process.exitValue();
            close();
            fail("sipdispatch did not get ready (no '" + READY + "' on stderr): " + state + "\n" + describe());
        }
    }

    /** What the server wrote on stderr so far. */
    public String stderrText() {
        return Sipp.read(stderr);
    }

    /** What the server wrote on stdout and stderr so far, for assertions and failure messages. */
    public String log() {
        return Sipp.read(stderr) + Sipp.read(stdout);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The folder holding its configuration, list and output. */
    public Path dir() {
        return dir;
    }

    public Path config() {
        return config;
    }

    /** Command, configuration, list and output, for failure messages. */
    public String describe() {
        return "sipdispatch: " + String.join(" ", command)
            + "\n--- " + config + "\n" + Sipp.read(config)
            + "\n--- dispatcher.list\n" + Sipp.read(dir.resolve("dispatcher.list"))
            + "\n--- stderr\n" + Sipp.tail(Sipp.read(stderr), 6000)
            + "\n--- stdout\n" + Sipp.tail(Sipp.read(stdout), 3000);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** SIGTERM, without waiting: what an init system sends to stop it. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL to the server itself (under its time limit's wrapper): a crash, nothing said to anyone. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Whether it exits within {@code timeout}. */
    public boolean awaitExit(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * SIGTERM, then SIGKILL after 5 s; then fails if the server reported a leaked Netty buffer. It runs with
     * every buffer tracked, and a stop within the 5 s has the leaks of the whole run reported before it exits.
     */
    @Override
    public void close() {
        Sipp.stop(process);
        String err = stderrText();
        if (err.contains("LEAK:")) {
            fail("sipdispatch reported a Netty buffer leak (a buffer garbage-collected without its release)\n"
                + describe());
        }
    }
}
