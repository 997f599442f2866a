package io.sipdispatch.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Real SIPp processes for the end-to-end tests: backends (UAS, {@code uas.xml}) that run in the background
 * and record what they receive, and callers (UAC) that run a scenario to the end and report how many calls
 * succeeded. Every process is bounded in time twice: by SIPp's own {@code -timeout} and by a
 * {@link Process#waitFor(long, TimeUnit)} after which it is killed.
 *
 * <p>Scenarios are the XML files of {@code src/test/resources/sipp/}, copied out of the class path into the
 * test's working folder.
 */
public final class Sipp {
    /** Every Call-ID the harness sends itself (readiness probes) starts with this; records leave them out. */
    static final String PROBE_CALL_ID_PREFIX = "e2e-probe-";
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final File DEV_NULL = new File("/dev/null");
    private static volatile boolean checkedInstalled;

    private Sipp() {
    }

    /** Fails with what to do when the {@code sipp} command is missing. */
    public static void requireInstalled() {
        if (checkedInstalled) {
            return;
        }
        String problem;
        try {
            Process p = new ProcessBuilder("sipp", "-v").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).start();
            try {
                // The few lines 'sipp -v' prints fit in the pipe: wait first, so that a hang stays bounded.
                boolean done = p.waitFor(10, TimeUnit.SECONDS);
                String out = done ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "(hangs)";
                problem = out.contains("SIPp v3") ? null : "unexpected output of 'sipp -v': " + out;
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            problem = "cannot run sipp: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem != null) {
            fail("The end-to-end tests need SIPp 3.x on the PATH (Debian package sip-tester; ./run-tests installs "
                + "it): " + problem);
        }
        checkedInstalled = true;
    }

    /** {@code dir/name}, copied from the class-path resource {@code /sipp/name} when not there yet. */
    public static Path scenario(Path dir, String name) {
        Path target = dir.resolve(name);
        if (Files.exists(target)) {
            return target;
        }
        try (InputStream in = Sipp.class.getResourceAsStream("/sipp/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no scenario /sipp/" + name + " on the class path");
            }
            Files.createDirectories(dir);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a backend running {@code uas.xml} on {@code family}'s loopback address, port {@code port},
     * over {@code transport}, for at most {@code lifetime}, and returns once it answers an OPTIONS.
     */
    public static Backend backend(Path dir, String name, IpFamily family, Transport transport, int port,
                                  Duration lifetime) {
        return backend(dir, name, family, transport, port, lifetime, "uas.xml");
    }

    /** As {@link #backend(Path, String, IpFamily, Transport, int, Duration)}, running scenario {@code scenarioFile}. */
    public static Backend backend(Path dir, String name, IpFamily family, Transport transport, int port,
                                  Duration lifetime, String scenarioFile) {
        requireInstalled();
        return Backend.start(dir, name, family, transport, port, lifetime, scenarioFile);
    }

    /** A caller that will run scenario {@code scenarioFile} (e.g. {@code uac_call.xml}). */
    public static Uac uac(String scenarioFile) {
        return new Uac(scenarioFile);
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static String tail(String text, int max) {
        return text.length() <= max ? text : "..." + text.substring(text.length() - max);
    }

    /** Processes started and not yet stopped; a shutdown hook kills what a test run leaves behind. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }), "e2e-process-reaper"));
    }

    /** Starts {@code builder}'s process and remembers it until {@link #stop}. */
    static Process launch(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        LIVE.add(p);
        return p;
    }

    /** SIGTERM to the process and its descendants, then SIGKILL to whatever still runs after 5 s. */
    static void stop(Process p) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> descendants = p.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            LIVE.remove(p);
        }
    }

    /** A SIPp backend (UAS) running in the background. */
    public static final class Backend implements AutoCloseable {
        private final String name;
        private final IpFamily family;
        private final Transport transport;
        private final int port;
        private final Path trace;
        private final Path errors;
        private final Path stdout;
        private final Path stderr;
        private final List<String> command;
        private Process process;

        private Backend(Path dir, String name, IpFamily family, Transport transport, int port, List<String> command) {
            this.name = name;
            this.family = family;
            this.transport = transport;
            this.port = port;
            this.trace = dir.resolve(name + ".msg.log");
            this.errors = dir.resolve(name + ".errors.log");
            this.stdout = dir.resolve(name + ".screen.log");
            this.stderr = dir.resolve(name + ".stderr.log");
            this.command = command;
        }

        static Backend start(Path dir, String name, IpFamily family, Transport transport, int port, Duration lifetime,
                             String scenarioFile) {
            Path scenario = scenario(dir, scenarioFile);
            List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", scenario.toString(),
                "-i", family.address(), "-p", Integer.toString(port), "-t", transport.sippMode(),
                "-nostdin", "-timeout", Math.max(1, lifetime.toSeconds()) + "s",
                "-trace_msg", "-message_file", dir.resolve(name + ".msg.log").toString(),
                "-trace_err", "-error_file", dir.resolve(name + ".errors.log").toString()));
            Backend b = new Backend(dir, name, family, transport, port, cmd);
            try {
                b.process = launch(new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                    .redirectOutput(b.stdout.toFile())
                    .redirectError(b.stderr.toFile()));
                b.awaitAnswering(Duration.ofSeconds(10));
                return b;
            } catch (IOException | RuntimeException e) {
                b.close();
                throw new AssertionError("backend " + name + " did not start: " + e + "\n" + b.diagnostics(), e);
            }
        }

        /** Sends OPTIONS until one is answered with 200, so that the backend is known to listen. */
        private void awaitAnswering(Duration timeout) {
            String[] lastProblem = {"no answer"};
            try {
                Awaitility.await("backend " + name + " answering OPTIONS")
                    .atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("sipp exited with " + process.exitValue());
                        }
                        lastProblem[0] = probe();
                        return lastProblem[0] == null;
                    });
            } catch (ConditionTimeoutException e) {
                throw new IllegalStateException("backend not answering OPTIONS within " + timeout + ": " + lastProblem[0], e);
            }
        }

        /** One OPTIONS; null when answered 200, else what happened. */
        private String probe() {
            String callId = RawSip.unique(PROBE_CALL_ID_PREFIX + "options") + "@" + family.uriHost();
            String ruri = "sip:probe@" + family.hostPort(port);
            try {
                if (transport == Transport.UDP) {
                    try (RawSip.Udp udp = new RawSip.Udp(family)) {
                        Optional<SipMessage> r = udp.exchange(
                            RawSip.Request.of("OPTIONS", ruri, Transport.UDP, udp.sentBy(), callId), port,
                            Duration.ofMillis(200));
                        return r.isPresent() && r.get().statusCode() == 200 ? null
                            : r.map(SipMessage::startLine).orElse("no answer to OPTIONS");
                    }
                }
                try (RawSip.Tcp tcp = new RawSip.Tcp(family, port, Duration.ofMillis(200))) {
                    tcp.send(RawSip.Request.of("OPTIONS", ruri, Transport.TCP, tcp.sentBy(), callId).render());
                    RawSip.TcpRead r = tcp.read(Duration.ofMillis(500));
                    return r.message() != null && r.message().statusCode() == 200 ? null
                        : r.message() != null ? r.message().startLine() : r.closed() ? "closed" : "no answer";
                }
            } catch (IOException e) {
                return e.toString(); // not listening yet
            }
        }

        public String name() {
            return name;
        }

        public int port() {
            return port;
        }

        public Transport transport() {
            return transport;
        }

        public IpFamily family() {
            return family;
        }

        /** The backend's URI for a {@code dispatcher.list}: {@code sip:127.0.0.1:5071;transport=tcp}. */
        public String uri() {
            return "sip:" + family.hostPort(port) + transport.uriParameter();
        }

        /** Every message this backend received so far (retransmissions included), the harness's probes left out. */
        public List<SipMessage> received() {
            List<SipMessage> all = SipMessage.parseTrace(read(trace));
            all.removeIf(m -> m.callId() != null && m.callId().startsWith(PROBE_CALL_ID_PREFIX));
            return all;
        }

        /** sipdispatch's keepalives received (their Call-IDs start with {@code sdk-}). */
        public List<SipMessage> keepalives() {
            return received().stream().filter(m -> m.isRequest() && m.callId() != null && m.callId().startsWith("sdk-"))
                .toList();
        }

        /** The requests received of the calls of one caller run. */
        public List<SipMessage> requestsOf(Result run) {
            return received().stream().filter(m -> m.isRequest() && run.owns(m)).toList();
        }

        /** The requests received that {@code which} accepts. */
        public List<SipMessage> requests(Predicate<SipMessage> which) {
            return received().stream().filter(m -> m.isRequest() && which.test(m)).toList();
        }

        /** The distinct Call-IDs of the requests with {@code method} received of one caller run. */
        public List<String> callIds(Result run, String method) {
            return requestsOf(run).stream().filter(m -> method.equals(m.method()))
                .map(SipMessage::callId).distinct().toList();
        }

        public boolean isAlive() {
            return process != null && process.isAlive();
        }

        /** Command, state, SIPp's stderr, error log and last screen. */
        public String diagnostics() {
            return "backend " + name + " (" + uri() + "): " + String.join(" ", command)
                + "\n  alive: " + isAlive()
                + "\n  stderr: " + tail(read(stderr), 2000)
                + "\n  errors: " + tail(read(errors), 3000)
                + "\n  screen: " + tail(read(stdout), 2500);
        }

        @Override
        public String toString() {
            return name + "(" + uri() + ")";
        }

        @Override
        public void close() {
            stop(process);
        }
    }

    /** A caller run to configure, then {@link #run}. */
    public static final class Uac {
        private final String scenarioFile;
        private IpFamily family = IpFamily.IPV4;
        private Transport transport = Transport.UDP;
        private int targetPort = -1;
        private int calls = 1;
        private double rate = 10;
        private String service = "e2e";
        private List<String> fromUsers = List.of("e2e");
        private final Map<String, String> globals = new LinkedHashMap<>();
        private Duration timeout = Duration.ofSeconds(60);
        private Duration recvTimeout = Duration.ofSeconds(10);
        private Duration hold = Duration.ZERO;

        private Uac(String scenarioFile) {
            this.scenarioFile = scenarioFile;
        }

        /** Where to send: the loopback address of {@code family}, {@code port}. */
        public Uac target(IpFamily family, int port) {
            this.family = family;
            this.targetPort = port;
            return this;
        }

        public Uac transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** How many calls (SIPp {@code -m}). */
        public Uac calls(int calls) {
            this.calls = calls;
            return this;
        }

        /** New calls per second (SIPp {@code -r}). */
        public Uac rate(double callsPerSecond) {
            this.rate = callsPerSecond;
            return this;
        }

        /** The Request-URI user (SIPp {@code -s}), which selects the proxy's route. */
        public Uac service(String service) {
            this.service = service;
            return this;
        }

        /** The From users of the calls, taken in turn (call 1 the first, ...), from an injection file. */
        public Uac fromUsers(String... users) {
            this.fromUsers = List.of(users);
            return this;
        }

        public Uac fromUsers(List<String> users) {
            this.fromUsers = List.copyOf(users);
            return this;
        }

        /** Sets a scenario global variable (SIPp {@code -set}), e.g. {@code require_path}. */
        public Uac set(String variable, String value) {
            globals.put(variable, value);
            return this;
        }

        /** The whole run's limit (SIPp {@code -timeout}, a timeout counting as failure). */
        public Uac timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** How long a scenario's {@code <pause/>} lasts (SIPp {@code -d}): how long a call is held up. */
        public Uac hold(Duration hold) {
            this.hold = hold;
            return this;
        }

        /** How long a call waits for an expected message before it fails (SIPp {@code -recv_timeout}). */
        public Uac recvTimeout(Duration recvTimeout) {
            this.recvTimeout = recvTimeout;
            return this;
        }

        /** Runs to the end (or the timeout) with its files in {@code dir}. */
        public Result run(Path dir) {
            requireInstalled();
            if (targetPort <= 0) {
                throw new IllegalStateException("no target port");
            }
            String base = scenarioFile.replaceFirst("\\.xml$", "");
            int run = RUNS.incrementAndGet();
            String name = "uac-" + run + "-" + base;
            // The Call-IDs of this run start with this tag, which is how backends' records are told apart.
            String tag = "e2e" + ProcessHandle.current().pid() + "r" + run + "-" + service.replaceAll("[^A-Za-z0-9]", "");
            Path scenario = scenario(dir, scenarioFile);
            Path users = dir.resolve(name + ".users.csv");
            Path stat = dir.resolve(name + ".stat.csv");
            Path errors = dir.resolve(name + ".errors.log");
            Path log = dir.resolve(name + ".log");
            Path trace = dir.resolve(name + ".msg.log");
            Path stdout = dir.resolve(name + ".screen.log");
            Path stderr = dir.resolve(name + ".stderr.log");
            try {
                StringBuilder inf = new StringBuilder("SEQUENTIAL\n");
                fromUsers.forEach(u -> inf.append(u).append(";\n"));
                Files.writeString(users, inf.toString(), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int localPort = FreePorts.udpAndTcp();
            List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", scenario.toString(),
                "-i", family.address(), "-p", Integer.toString(localPort), "-t", transport.sippMode(),
                "-s", service, "-m", Integer.toString(calls),
                "-r", rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate), "-rp", "1000",
                "-inf", users.toString(), "-cid_str", tag + "-%u-%p@%s",
                "-nostdin", "-timeout", Math.max(1, timeout.toSeconds()) + "s", "-timeout_error",
                "-recv_timeout", Long.toString(recvTimeout.toMillis()),
                "-trace_stat", "-stf", stat.toString(), "-fd", "1",
                "-trace_err", "-error_file", errors.toString(),
                "-trace_logs", "-log_file", log.toString(),
                "-trace_msg", "-message_file", trace.toString()));
            globals.forEach((k, v) -> cmd.addAll(List.of("-set", k, v)));
            if (!hold.isZero()) {
                cmd.addAll(List.of("-d", Long.toString(hold.toMillis())));
            }
            cmd.add(family.hostPort(targetPort));
            Process p = null;
            int exit;
            try {
                p = launch(new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile()));
                if (!p.waitFor(timeout.toSeconds() + 15, TimeUnit.SECONDS)) {
                    exit = Integer.MIN_VALUE;
                } else {
                    exit = p.exitValue();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + cmd, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exit = Integer.MIN_VALUE;
            } finally {
                if (p != null) {
                    if (p.isAlive()) {
                        p.destroyForcibly();
                    }
                    LIVE.remove(p);
                }
            }
            long[] counts = counts(read(stat));
            String diagnostics = name + ": " + String.join(" ", cmd)
                + "\n  exit: " + (exit == Integer.MIN_VALUE ? "killed after " + (timeout.toSeconds() + 15) + " s" : exit)
                + "\n  successful: " + counts[0] + ", failed: " + counts[1]
                + "\n  stderr: " + tail(read(stderr), 2000)
                + "\n  errors: " + tail(read(errors), 4000)
                + "\n  log: " + tail(read(log), 1000)
                + "\n  screen: " + tail(read(stdout), 2500);
            return new Result(name, calls, exit, counts[0], counts[1], tag, trace, diagnostics);
        }

        /** SuccessfulCall(C) and FailedCall(C) of the last line of a {@code -trace_stat} file; -1 when absent. */
        static long[] counts(String csv) {
            List<String> lines = Arrays.stream(csv.split("\r?\n")).filter(l -> !l.isBlank()).toList();
            if (lines.size() < 2) {
                return new long[] {-1, -1};
            }
            List<String> names = Arrays.asList(lines.get(0).split(";", -1));
            String[] last = lines.get(lines.size() - 1).split(";", -1);
            int ok = names.indexOf("SuccessfulCall(C)");
            int failed = names.indexOf("FailedCall(C)");
            if (ok < 0 || failed < 0 || last.length <= Math.max(ok, failed)) {
                return new long[] {-1, -1};
            }
            return new long[] {Long.parseLong(last[ok].trim()), Long.parseLong(last[failed].trim())};
        }
    }

    /**
     * How a caller run went. {@code successful} and {@code failed} are SIPp's cumulative call counters (-1
     * when its statistics file was not written); {@code exitCode} is SIPp's (0: every call succeeded, 1: some
     * failed, 255 and others: fatal), or {@link Integer#MIN_VALUE} when it had to be killed.
     */
    public record Result(String name, int calls, int exitCode, long successful, long failed, String callIdTag,
                         Path trace, String diagnostics) {

        /** Whether {@code m} belongs to one of this run's calls (by its Call-ID). */
        public boolean owns(SipMessage m) {
            return m.callId() != null && m.callId().startsWith(callIdTag + "-");
        }

        /** Every message the caller received (responses mostly), from its message trace. */
        public List<SipMessage> received() {
            return SipMessage.parseTrace(read(trace));
        }

        /** Asserts that SIPp exited 0 with every one of the {@link #calls} calls successful. */
        public Result assertAllSucceeded() {
            assertThat(failed).as("failed calls of %s", this).isZero();
            assertThat(successful).as("successful calls of %s", this).isEqualTo(calls);
            assertThat(exitCode).as("sipp exit code of %s", this).isZero();
            return this;
        }

        @Override
        public String toString() {
            return diagnostics;
        }
    }
}
