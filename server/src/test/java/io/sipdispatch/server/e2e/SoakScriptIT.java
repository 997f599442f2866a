package io.sipdispatch.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/soak.sh}, the long-run command, in half a minute: calls flow while backends are killed and
 * restarted and the table is reloaded, and it reports what the long run is judged on. The run itself is a
 * check of failover: no call may be lost while a healthy destination is there.
 */
class SoakScriptIT {
    static final Path SCRIPT = Path.of("..", "bench", "soak.sh").toAbsolutePath().normalize();

    @Test
    void aShortSoakKillsAndReloadsLosesNoCallAndReportsMemoryAndPauses(@TempDir Path runDir) throws Exception {
        assertThat(SCRIPT).isExecutable();
        Path out = runDir.resolve("soak.out");
        ProcessBuilder pb = new ProcessBuilder("timeout", "-k", "5", "150", SCRIPT.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
        pb.environment().put("RUN_DIR", runDir.resolve("run").toString());
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        pb.environment().put("SOAK_S", "30");
        pb.environment().put("RATE", "40");
        pb.environment().put("HOLD_MS", "1000");
        pb.environment().put("WARMUP_S", "6");
        pb.environment().put("SAMPLE_EVERY", "10");
        pb.environment().put("FAIL_EVERY", "7");
        pb.environment().put("DOWN_FOR", "4");
        pb.environment().put("RELOAD_EVERY", "6"); // over reload_delta, 5 s
        pb.environment().put("MGMT_PORT", Integer.toString(FreePorts.udpAndTcp(1)[0]));
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        assertThat(p.waitFor(170, TimeUnit.SECONDS)).as("soak.sh ends by itself").isTrue();
        String report = Files.readString(out);
        assertThat(p.exitValue()).as(report).isZero();

        Matcher calls = Pattern.compile("calls: offered=(\\d+) completed=(\\d+) lost_with_a_healthy_destination=(\\d+) "
            + "dialogs_whose_backend_was_killed=(\\d+)").matcher(report);
        assertThat(calls.find()).as(report).isTrue();
        int offered = Integer.parseInt(calls.group(1));
        int completed = Integer.parseInt(calls.group(2));
        int gone = Integer.parseInt(calls.group(4));
        assertThat(offered).as(report).isEqualTo(40 * 30);
        assertThat(calls.group(3)).as("no call lost while a healthy destination was there\n" + report).isEqualTo("0");
        assertThat(completed + gone).as(report).isEqualTo(offered);

        Matcher events = Pattern.compile("backends killed=(\\d+), reloads done=(\\d+), reloads refused=(\\d+)").matcher(report);
        assertThat(events.find()).as(report).isTrue();
        assertThat(Integer.parseInt(events.group(1))).as(report).isGreaterThanOrEqualTo(2);
        assertThat(Integer.parseInt(events.group(2))).as(report).isGreaterThanOrEqualTo(3);
        assertThat(events.group(3)).as(report).isEqualTo("0");

        Matcher samples = Pattern.compile("heap_after_gc=(\\d+) nmt_committed=(\\d+) nmt_heap=\\d+ nmt_other=\\d+ "
            + "netty_direct=\\d+ rss=\\d+").matcher(report);
        int n = 0;
        while (samples.find()) {
            n++;
            assertThat(Long.parseLong(samples.group(1))).as("heap after a collection, KiB").isPositive();
            assertThat(Long.parseLong(samples.group(2))).as("native memory committed, KiB").isPositive();
        }
        assertThat(n).as("samples from the end of warm-up to the end\n" + report).isGreaterThanOrEqualTo(3);
        assertThat(report).containsPattern("growth from the first sample to the last: heap_after_gc [-+]\\d");
        assertThat(report).containsPattern("gc pauses: \\d+, p50 [\\d.]+ ms, p99 [\\d.]+ ms, p99.9 [\\d.]+ ms");
        assertThat(report).contains("netty leaks=0");
    }
}
