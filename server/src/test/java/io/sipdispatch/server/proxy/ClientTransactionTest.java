package io.sipdispatch.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.proxy.ClientTransaction.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3261 §17.1 client transactions on virtual time, Figures 5 and 6. */
class ClientTransactionTest {
    final VirtualClock clock = new VirtualClock();
    final List<Long> sendTimes = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    ClientTransaction tx(boolean invite, boolean reliable) {
        return new ClientTransaction(invite, reliable, SipTimers.DEFAULT, clock, new ClientTransaction.Wire() {
            @Override
            public void sendRequest() {
                sendTimes.add(clock.now());
            }

            @Override
            public void sendAck(Object finalResponse) {
                events.add("ack@" + clock.now());
            }
        }, new ClientTransaction.User() {
            @Override
            public void provisional(int status, Object response) {
                events.add("prov " + status);
            }

            @Override
            public void finalResponse(int status, Object response) {
                events.add("final " + status);
            }

            @Override
            public void timedOut() {
                events.add("timeout@" + clock.now());
            }

            @Override
            public void transportError() {
                events.add("transport-error");
            }

            @Override
            public void terminated() {
                events.add("terminated@" + clock.now());
            }
        });
    }

    @Test
    void anUnansweredInviteOverUdpIsSentAtDoublingIntervalsAndTimesOutAfter64T1() {
        ClientTransaction t = tx(true, false);
        t.start();
        clock.advance(40_000);
        // Timer A: 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B at 32 s.
        assertThat(sendTimes).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L);
        assertThat(events).containsExactly("timeout@32000", "terminated@32000");
        assertThat(t.state()).isEqualTo(State.TERMINATED);
        assertThat(clock.pending()).isZero();
    }

    @Test
    void anInviteOverTcpIsSentOnceAndStillTimesOut() {
        ClientTransaction t = tx(true, true);
        t.start();
        clock.advance(40_000);
        assertThat(sendTimes).containsExactly(0L);
        assertThat(events).containsExactly("timeout@32000", "terminated@32000");
    }

    @Test
    void aProvisionalResponseStopsInviteRetransmissionsAndTimerB() {
        ClientTransaction t = tx(true, false);
        t.start();
        clock.advance(600);
        t.receive(100, "100");
        clock.advance(60_000);
        assertThat(sendTimes).containsExactly(0L, 500L);
        assertThat(t.state()).isEqualTo(State.PROCEEDING);
        assertThat(events).containsExactly("prov 100");
    }

    @Test
    void aNon2xxFinalResponseIsAcknowledgedAgainForEachRetransmissionUntilTimerD() {
        ClientTransaction t = tx(true, false);
        t.start();
        clock.advance(100);
        t.receive(180, "180");
        t.receive(486, "486");
        assertThat(t.state()).isEqualTo(State.COMPLETED);
        clock.advance(1_000);
        t.receive(486, "486 again");
        clock.advance(40_000);
        assertThat(events).containsExactly("prov 180", "ack@100", "final 486", "ack@1100", "terminated@32100");
        assertThat(t.state()).isEqualTo(State.TERMINATED);
    }

    @Test
    void a2xxEndsAnInviteTransactionAtOnceAndItsAckIsNotTheTransactions() {
        ClientTransaction t = tx(true, false);
        t.start();
        t.receive(200, "200");
        assertThat(t.state()).isEqualTo(State.TERMINATED);
        assertThat(events).containsExactly("final 200", "terminated@0");
        assertThat(events).noneMatch(e -> e.startsWith("ack"));
        assertThat(clock.pending()).isZero();
    }

    @Test
    void aNonInviteIsRetransmittedUpToT2ThenEveryT2OnceProceedingAndTimesOutAt64T1() {
        ClientTransaction t = tx(false, false);
        t.start();
        clock.advance(8_000);
        // Timer E: 0, 0.5, 1.5, 3.5, 7.5 (intervals 0.5 1 2 4, capped at T2 = 4 s)
        assertThat(sendTimes).containsExactly(0L, 500L, 1500L, 3500L, 7500L);
        t.receive(100, "100");
        clock.advance(30_000);
        assertThat(sendTimes).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L, 19500L, 23500L,
            27500L, 31500L);
        assertThat(events).containsExactly("prov 100", "timeout@32000", "terminated@32000");
    }

    @Test
    void aNonInviteFinalResponseCompletesAndTimerKAbsorbsRetransmissions() {
        ClientTransaction t = tx(false, false);
        t.start();
        t.receive(200, "200");
        assertThat(t.state()).isEqualTo(State.COMPLETED);
        t.receive(200, "200 again");
        clock.advance(6_000);
        assertThat(events).containsExactly("final 200", "terminated@5000");
        assertThat(sendTimes).containsExactly(0L);
    }

    @Test
    void overAStreamACompletedTransactionEndsAtOnce() {
        ClientTransaction t = tx(false, true);
        t.start();
        t.receive(503, "503");
        assertThat(t.state()).isEqualTo(State.TERMINATED);
        assertThat(events).containsExactly("final 503", "terminated@0");
        assertThat(clock.pending()).isZero();
    }

    @Test
    void aTransportErrorEndsTheTransactionAndTellsTheUser() {
        ClientTransaction t = tx(true, true);
        t.start();
        t.transportError();
        clock.advance(40_000);
        assertThat(events).containsExactly("transport-error", "terminated@0");
        assertThat(clock.pending()).isZero();
    }
}
