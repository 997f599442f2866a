package io.sipdispatch.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sipdispatch.server.NoNettyLeaks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LeakCounterTest {
    @Test
    void aBufferCollectedUnreleasedIsCountedAndFailsTheLeakCheckOfItsTestClass() throws Exception {
        NoNettyLeaks.check("what ran before");
        long before = LeakCounter.count();

        leakOne();

        assertThat(LeakCounter.flush()).isEqualTo(before + 1);
        assertThatThrownBy(() -> NoNettyLeaks.check("this test"))
            .isInstanceOf(AssertionError.class).hasMessageContaining("1 Netty buffer leak(s) reported during this test");
        NoNettyLeaks.check("the check after it"); // each check answers for its own leaks only
    }

    @Test
    void aReleasedBufferIsNoLeak() throws Exception {
        long before = LeakCounter.flush();
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeCharSequence("INVITE", StandardCharsets.US_ASCII);
        b.release();
        assertThat(LeakCounter.flush()).isEqualTo(before);
    }

    /** A buffer written to and dropped without release, as a handler that forgets one would. */
    private static void leakOne() {
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeCharSequence("INVITE sip:leak@127.0.0.1 SIP/2.0", StandardCharsets.US_ASCII);
    }
}
