package io.sipdispatch.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The lag probe sees a loop held by a long task, and reports it in its once-a-second figure. */
class LoopLagProbeTest {
    @Test
    void aLoopHeldFortyMillisecondsShowsAtLeastThirtyMillisecondsOfLag() throws Exception {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            EventLoop loop = group.next();
            try (LoopLagProbe probe = new LoopLagProbe(List.of(loop), TimeUnit.MILLISECONDS.toNanos(1))) {
                loop.execute(() -> {
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(40);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // the loop is busy: what the probe must notice
                    }
                });
                await().atMost(Duration.ofSeconds(5))
                    .until(() -> probe.worstNanos() >= TimeUnit.MILLISECONDS.toNanos(30));
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
