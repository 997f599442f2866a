package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The keepalives' latency figures and the EWMA estimate algorithm 13 reads. */
class LatencyStatsTest {
    @Test
    void averageDeviationMaximumAndTimeouts() {
        LatencyStats s = new LatencyStats();
        for (long x : new long[] {1000, 2000, 3000, 4000}) {
            s.record(x, 0.9);
        }
        s.timeout();
        LatencyStats.Snapshot v = s.snapshot();
        assertThat(v.count()).isEqualTo(4);
        assertThat(v.averageMicros()).isCloseTo(2500, within(1e-9));
        assertThat(v.stdDevMicros()).isCloseTo(1290.994, within(0.001));
        assertThat(v.maxMicros()).isEqualTo(4000);
        assertThat(v.timeouts()).isEqualTo(1);
    }

    @Test
    void theEstimateStartsAtTheFirstSampleAndMovesByAlpha() {
        Destination d = dest("a", "");
        d.recordLatency(1000, 0.9);
        assertThat(d.latencyMicros()).isEqualTo(1000);
        d.recordLatency(2000, 0.9);
        assertThat(d.latencyMicros()).isEqualTo(1100);
        d.recordLatency(2000, 0.5);
        assertThat(d.latencyMicros()).isEqualTo(1550);
        assertThat(d.latencyStats().snapshot().estimateMicros()).isEqualTo(1550);
    }

    @Test
    void theLatencyAttributeStartsTheEstimateAndTheFirstProbesMoveIt() {
        Destination d = dest("a", "latency=24");
        assertThat(d.latencyMicros()).isEqualTo(24_000);
        assertThat(d.latencyStats().snapshot().count()).isZero();
        d.recordLatency(4000, 0.9);
        // 0.9 · 24 ms + 0.1 · 4 ms: the attribute's figure is the past the first sample is weighed against.
        assertThat(d.latencyMicros()).isEqualTo(22_000);
        assertThat(d.latencyStats().snapshot().averageMicros()).isCloseTo(4000, within(1e-9));
    }

    @Test
    void aReloadKeepsWhatWasMeasuredOverTheAttribute() {
        DestinationRecord r = Fixtures.record(1, "a", 0, "latency=50");
        DispatchTable t1 = DispatchTable.build(java.util.List.of(r), null);
        Destination d = t1.destinations().get(0);
        d.recordLatency(10_000, 0.5);
        long measured = d.latencyMicros();
        DestinationRecord changed = Fixtures.record(1, "a", 5, "latency=50");
        DispatchTable t2 = DispatchTable.build(java.util.List.of(changed), t1);
        assertThat(t2.destinations().get(0).latencyMicros()).isEqualTo(measured).isEqualTo(30_000);
    }

    @Test
    void theLatencyAttributeMustBeANumber() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Attributes.parse("latency=fast"))
            .hasMessageContaining("latency");
    }
}
