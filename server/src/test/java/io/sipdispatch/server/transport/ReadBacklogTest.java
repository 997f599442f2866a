package io.sipdispatch.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ReadBacklogTest {
    static void batch(ReadBacklog b, int reads, long now) {
        for (int i = 0; i < reads; i++) {
            b.read();
        }
        b.batchEnded(now);
    }

    @Test
    void fullBatchesMeanTheQueueWasNotEmptiedAndAShortOneCatchesUp() {
        ReadBacklog b = new ReadBacklog(4);
        batch(b, 3, 1_000);
        assertThat(b.behindFor(2_000)).isZero();
        batch(b, 4, 10_000);
        batch(b, 4, 20_000);
        assertThat(b.behindFor(30_000)).as("behind since the first full batch").isEqualTo(20_000);
        batch(b, 1, 40_000);
        assertThat(b.behindFor(50_000)).isZero();
        batch(b, 0, 60_000);
        assertThat(b.behindFor(70_000)).as("a wake-up that read nothing").isZero();
    }

    @Test
    void theQueueIsShrinkingWhenItHoldsLessThanFiveLooksBefore() {
        ReadBacklog b = new ReadBacklog(4);
        float[] fills = {0.9f, 0.8f, 0.7f, 0.6f, 0.55f};
        for (float f : fills) {
            b.fill(f);
            assertThat(b.shrinking()).as("fewer than five looks before: no trend yet").isFalse();
        }
        b.fill(0.5f);
        assertThat(b.shrinking()).as("0.5 against 0.9 five looks before").isTrue();
        b.fill(0.85f);
        assertThat(b.shrinking()).as("0.85 against 0.8").isFalse();
        for (int i = 0; i < 5; i++) {
            b.fill(0.85f);
        }
        assertThat(b.shrinking()).as("flat: arrivals as fast as the reads, no catching up").isFalse();
        b.fill(0.2f);
        assertThat(b.shrinking()).isTrue();
    }

    @Test
    void theQueueFillIsReadFromTheKernelsTableByInode() {
        SocketQueues q = SocketQueues.start();
        Assumptions.assumeTrue(q != null, "Linux only");
        try {
            ReadBacklog b = new ReadBacklog(4);
            assertThat(b.fill()).as("unknown until watched").isEqualTo(-1f);
            q.watchInode(12345, b, 1000);
            assertThat(b.fill()).isZero();
            // The table's own lines: the header, then one per socket; tx_queue:rx_queue in hex, then the inode.
            q.read("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref"
                + " pointer drops");
            q.read("  7: 0100007F:13C4 00000000:0000 07 00000000:000000FA 00:00000000 00000000     0        0 99 2"
                + " 0000000000000000 0");
            assertThat(b.fill()).as("another socket").isZero();
            q.read("  12: 0100007F:13C4 00000000:0000 07 00000000:000001F4 00:00000000 00000000     0        0 12345 2"
                + " 0000000000000000 0");
            assertThat(b.fill()).isEqualTo(0.5f);
        } finally {
            q.close();
        }
    }
}
