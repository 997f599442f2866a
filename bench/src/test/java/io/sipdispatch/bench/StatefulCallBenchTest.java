package io.sipdispatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the stateful call benchmark over every call twice: each must still go through whole. */
class StatefulCallBenchTest {
    @Test
    void everyCallSendsSevenMessagesEvenWhenItsCallIdComesRoundAgain() throws Exception {
        StatefulCallBench b = new StatefulCallBench();
        b.setup();
        for (int i = 0; i < 2 * StatefulCallBench.CALLS; i++) {
            int before = b.sent;
            b.wholeCall();
            assertThat(b.sent - before).as("messages sent for call %d", i).isEqualTo(7);
            assertThat(new String(b.last, StandardCharsets.UTF_8)).as("last message of call %d", i)
                .startsWith("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-bye-");
        }
    }
}
