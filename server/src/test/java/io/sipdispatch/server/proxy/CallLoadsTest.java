package io.sipdispatch.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.dispatcher.Attributes;
import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The call-load counts: taken once, given back once, expired when the end is never seen. */
class CallLoadsTest {
    static Destination dest() {
        return dest("maxload=10");
    }

    static Destination dest(String attrs) {
        return new Destination(new DestinationRecord(1, "sip:10.0.0.1", 0, 0, Attributes.parse(attrs), ""));
    }

    @Test
    void callsRacingForTheLastSlotsOfAMaxloadGetExactlyThatMany() throws Exception {
        CallLoads loads = new CallLoads(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, 1 << 20);
        Destination d = dest("maxload=500");
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 1000; i++) {
                    if (loads.dispatched("t" + thread + "-" + i, d, 0)) {
                        admitted.incrementAndGet();
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        go.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertThat(admitted.get()).isEqualTo(500);
        assertThat(d.activeCalls()).isEqualTo(500);
        assertThat(loads.size()).isEqualTo(500);
    }

    @Test
    void aCallCountsOnceAndEveryWayOfEndingGivesItBackOnce() {
        CallLoads loads = new CallLoads(100, 1000, 100);
        Destination d = dest();
        loads.dispatched("a", d, 0);
        loads.dispatched("a", d, 0); // a retransmission or a second look: still one call
        loads.dispatched("b", d, 0);
        assertThat(d.activeCalls()).isEqualTo(2);
        loads.released("a", d);
        loads.released("a", d);
        loads.ended("a");
        assertThat(d.activeCalls()).isEqualTo(1);
        loads.ended("b");
        loads.ended("b");
        assertThat(d.activeCalls()).isZero();
        assertThat(loads.size()).isZero();
    }

    @Test
    void aCallReleasedFromAnotherDestinationKeepsItsCount() {
        CallLoads loads = new CallLoads(100, 1000, 100);
        Destination d1 = dest();
        Destination d2 = dest();
        loads.dispatched("a", d2, 0);
        loads.released("a", d1); // a stale release for an earlier branch
        assertThat(d2.activeCalls()).isEqualTo(1);
    }

    @Test
    void unansweredCallsExpireSoonerThanConfirmedOnes() {
        CallLoads loads = new CallLoads(100, 1000, 100);
        Destination d = dest();
        loads.dispatched("ringing", d, 0);
        loads.dispatched("up", d, 0);
        loads.confirmed("up", d, 50);
        assertThat(loads.expire(99)).isZero();
        assertThat(loads.expire(100)).isEqualTo(1);
        assertThat(d.activeCalls()).isEqualTo(1);
        assertThat(loads.expire(1049)).isZero();
        assertThat(loads.expire(1050)).isEqualTo(1);
        assertThat(d.activeCalls()).isZero();
    }

    @Test
    void theTableIsBounded() {
        CallLoads loads = new CallLoads(100, 1000, 2);
        Destination d = dest();
        loads.dispatched("a", d, 0);
        loads.dispatched("b", d, 0);
        loads.dispatched("c", d, 0);
        assertThat(d.activeCalls()).isEqualTo(2);
        assertThat(loads.notCounted.sum()).isEqualTo(1);
    }

    @Test
    void racingEndsOnEveryThreadLeaveTheCountExactlyZero() throws Exception {
        CallLoads loads = new CallLoads(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, 1 << 20);
        Destination d = dest("");
        int calls = 20_000;
        for (int i = 0; i < calls; i++) {
            loads.dispatched("c" + i, d, 0);
        }
        assertThat(d.activeCalls()).isEqualTo(calls);
        // Four threads end every call at once, by BYE, by a failed branch and by expiry.
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int kind = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < calls; i++) {
                    switch (kind) {
                        case 0, 1 -> loads.ended("c" + i);
                        case 2 -> loads.released("c" + i, d);
                        default -> loads.expire(Long.MAX_VALUE / 2);
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        go.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertThat(d.activeCalls()).isZero();
        assertThat(loads.size()).isZero();
    }

    @Test
    void aCallTakesEveryResourceItNeedsOnceAndGivesThemBackOnceWhicheverEndComes() {
        CallLoads loads = new CallLoads(1_000, 5_000, 1 << 20);
        Destination d = dest("resources=\"pstn=2;transc=1\"");
        String[] both = {"pstn", "transc"};
        assertThat(loads.dispatched("c1", d, both, 0)).isTrue();
        assertThat(loads.dispatched("c1", d, both, 0)).as("the same call again: counted once").isTrue();
        assertThat(d.resourceUsed("pstn")).isEqualTo(1);
        assertThat(loads.dispatched("c2", d, both, 0)).as("transcoding is full").isFalse();
        assertThat(d.resourceUsed("pstn")).isEqualTo(1);
        assertThat(loads.dispatched("c3", d, new String[] {"pstn"}, 0)).isTrue();
        loads.ended("c1");
        loads.ended("c1");
        loads.released("c3", d);
        assertThat(d.resourceUsed("pstn")).isZero();
        assertThat(d.resourceUsed("transc")).isZero();
        assertThat(loads.dispatched("c4", d, both, 0)).isTrue();
        assertThat(loads.expire(1_000)).isEqualTo(1); // never answered, never ended
        assertThat(d.resourceUsed("transc")).isZero();
        assertThat(d.activeCalls()).as("resources are not calls of call-load").isZero();
    }
}
