package io.sipdispatch.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpExplainsEveryCommand() {
        assertThat(Main.run("--help")).isZero();
        assertThat(stdout()).contains("Usage: sipdispatch").contains("run").contains("self-check")
            .contains("load balancer");
    }

    @Test
    void noCommandShowsHelp() {
        assertThat(Main.run()).isZero();
        assertThat(stdout()).contains("Commands:");
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(Main.run("frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("frobnicate");
    }

    @Test
    void selfCheckReachesEveryExpectedOutcome() {
        assertThat(Main.run("self-check")).isZero();
        assertThat(stdout()).contains("self-check passed").doesNotContain("FAIL")
            .contains("forward").contains("483").contains("416").contains("505").contains("400").contains("drop");
    }

    @Test
    void selfCheckOutcomesAreComputedNotAssumed() {
        // A case whose expected outcome is wrong must be reported as a failure.
        var parser = new io.sipdispatch.sip.SipParser();
        var validator = io.sipdispatch.sip.SipValidator.forProxy(io.sipdispatch.sip.ComplianceMode.STRICT,
            io.sipdispatch.sip.SipLimits.DEFAULT);
        for (SelfCheck.Case c : SelfCheck.CASES) {
            assertThat(SelfCheck.outcome(parser, validator, c.message().getBytes(StandardCharsets.UTF_8)))
                .as(c.name()).isEqualTo(c.expected());
        }
    }

    @Test
    void runRefusesAMissingConfiguration(@TempDir Path dir) {
        assertThat(Main.run("run", dir.resolve("absent.yaml").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("absent.yaml").contains("no such configuration file");
    }

    @Test
    void checkConfigAcceptsAGoodConfigurationAndItsList(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("dispatcher.list"), "1 sip:127.0.0.1:5071 0 0 duid=a\n");
        Path cfg = Files.writeString(dir.resolve("sipdispatch.yaml"), """
            listen: [udp:127.0.0.1:5060]
            dispatcher: { list_file: dispatcher.list }
            routes:
              - dispatch: { set: 1, algorithm: 4 }
            """);
        assertThat(Main.run("check-config", cfg.toString())).isZero();
        assertThat(stdout()).contains("OK").contains("1 destination(s)");
    }

    @Test
    void checkConfigRefusesABadListLineWithFileAndLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("dispatcher.list"), "1 sip:127.0.0.1:5071\nnotaset sip:127.0.0.1:5072\n");
        Path cfg = Files.writeString(dir.resolve("sipdispatch.yaml"), """
            listen: [udp:127.0.0.1:5060]
            dispatcher: { list_file: dispatcher.list }
            routes:
              - dispatch: { set: 1 }
            """);
        assertThat(Main.run("check-config", cfg.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("dispatcher.list:2");
    }

    @Test
    void runRefusesAnUnknownKeyWithFileLineAndKey(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("sipdispatch.yaml"), """
            listen: [udp:127.0.0.1:5060]
            dispatcher: { list_file: dispatcher.list }
            routes:
              - dispatch: { set: 1, algoritm: 4 }
            """);
        assertThat(Main.run("run", cfg.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("sipdispatch.yaml:4").contains("algoritm");
    }

    @Test
    void checkConfigWarnsAboutARouteToASetTheListDoesNotHave(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("dispatcher.list"), "1 sip:127.0.0.1:5071\n");
        Path cfg = Files.writeString(dir.resolve("sipdispatch.yaml"), """
            listen: [udp:127.0.0.1:5060]
            dispatcher: { list_file: dispatcher.list }
            routes:
              - dispatch: { set: 7 }
            """);
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("check-config", cfg.toString())).isZero();
        } finally {
            System.setErr(old);
        }
        assertThat(log.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
            .contains("routes dispatch to set 7");
    }
}
