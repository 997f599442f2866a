package io.sipdispatch.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.proxy.ServerTransaction.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3261 §17.2 server transactions (with RFC 6026's Accepted state) on virtual time, Figures 7 and 8. */
class ServerTransactionTest {
    final VirtualClock clock = new VirtualClock();
    final List<String> sent = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    ServerTransaction tx(boolean invite, boolean reliable) {
        return new ServerTransaction(invite, reliable, SipTimers.DEFAULT, clock,
            response -> sent.add(response + "@" + clock.now()),
            new ServerTransaction.User() {
                @Override
                public void ackTimedOut() {
                    events.add("ack-timeout@" + clock.now());
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
    void aRetransmittedInviteGetsTheLastProvisionalResponseAgain() {
        ServerTransaction t = tx(true, false);
        t.requestRetransmitted(); // nothing sent yet: nothing to repeat
        t.respond(100, "100");
        clock.advance(500);
        t.requestRetransmitted();
        t.respond(180, "180");
        clock.advance(500);
        t.requestRetransmitted();
        assertThat(sent).containsExactly("100@0", "100@500", "180@500", "180@1000");
        assertThat(t.state()).isEqualTo(State.PROCEEDING);
    }

    @Test
    void aNon2xxFinalIsRetransmittedOnTimerGUntilTheAckThenTimerIEndsIt() {
        ServerTransaction t = tx(true, false);
        t.respond(100, "100");
        t.respond(486, "486");
        clock.advance(4_000);
        // Timer G: 0.5, 1.5, 3.5 s (intervals 0.5 1 2, capped at T2)
        assertThat(sent).containsExactly("100@0", "486@0", "486@500", "486@1500", "486@3500");
        t.ackReceived();
        assertThat(t.state()).isEqualTo(State.CONFIRMED);
        t.requestRetransmitted(); // absorbed in Confirmed
        clock.advance(10_000);
        assertThat(sent).hasSize(5);
        assertThat(events).containsExactly("terminated@9000"); // Timer I = T4 after the ACK at 4 s
    }

    @Test
    void withoutAnAckTimerHEndsTheTransactionAfter64T1() {
        ServerTransaction t = tx(true, false);
        t.respond(503, "503");
        clock.advance(40_000);
        assertThat(events).containsExactly("ack-timeout@32000", "terminated@32000");
        assertThat(sent).containsExactly("503@0", "503@500", "503@1500", "503@3500", "503@7500", "503@11500", "503@15500",
            "503@19500", "503@23500", "503@27500", "503@31500"); // doubling to T2, then every T2
    }

    @Test
    void overAStreamAFinalResponseIsNotRetransmittedAndTheAckEndsItAtOnce() {
        ServerTransaction t = tx(true, true);
        t.respond(404, "404");
        clock.advance(10_000);
        assertThat(sent).containsExactly("404@0");
        t.ackReceived();
        assertThat(t.state()).isEqualTo(State.TERMINATED);
    }

    @Test
    void a2xxMovesTheInviteToAcceptedWhereRetransmittedInvitesAreAbsorbedUntilTimerL() {
        ServerTransaction t = tx(true, false);
        t.respond(200, "200");
        assertThat(t.state()).isEqualTo(State.ACCEPTED);
        t.requestRetransmitted();
        t.respond(200, "200 again"); // the user repeating its 2xx
        clock.advance(40_000);
        assertThat(sent).containsExactly("200@0", "200 again@0");
        assertThat(events).containsExactly("terminated@32000");
    }

    @Test
    void aNonInviteRequestIsAbsorbedInTryingAnsweredAgainLaterAndKeptForTimerJ() {
        ServerTransaction t = tx(false, false);
        assertThat(t.state()).isEqualTo(State.TRYING);
        t.requestRetransmitted();
        assertThat(sent).isEmpty();
        t.respond(200, "200");
        assertThat(t.state()).isEqualTo(State.COMPLETED);
        clock.advance(1_000);
        t.requestRetransmitted();
        t.respond(500, "late");
        clock.advance(40_000);
        assertThat(sent).containsExactly("200@0", "200@1000");
        assertThat(events).containsExactly("terminated@32000");
    }

    @Test
    void overAStreamANonInviteEndsWithItsFinalResponse() {
        ServerTransaction t = tx(false, true);
        t.respond(200, "200");
        assertThat(t.state()).isEqualTo(State.TERMINATED);
        assertThat(clock.pending()).isZero();
    }

    @Test
    void aTransportErrorEndsTheTransaction() {
        ServerTransaction t = tx(true, false);
        t.respond(486, "486");
        t.transportError();
        clock.advance(40_000);
        assertThat(events).containsExactly("transport-error", "terminated@0");
        assertThat(sent).containsExactly("486@0");
    }
}
