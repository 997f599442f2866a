package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.names;
import static io.sipdispatch.dispatcher.Fixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Failure marks ({@code ds_mark_dst} with {@code ds_probing_threshold}) and Retry-After suspensions. */
class DestinationMarkTest {

    @Test
    void inactiveMarkTakesTheDestinationOutAtOnce() {
        Destination a = dest("a", "");
        int state = a.markFailed(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 3);
        assertThat(DestinationFlags.code(state)).isEqualTo("IP");
        assertThat(a.selectable()).isFalse();
    }

    @Test
    void tryingMarkCountsFailuresInARowUpToTheProbingThreshold() {
        Destination a = dest("a", "");
        int flags = DestinationFlags.TRYING | DestinationFlags.PROBING;
        assertThat(DestinationFlags.code(a.markFailed(flags, 3))).isEqualTo("TP");
        assertThat(DestinationFlags.code(a.markFailed(flags, 3))).isEqualTo("TP");
        assertThat(a.selectable()).isTrue();
        assertThat(DestinationFlags.code(a.markFailed(flags, 3))).isEqualTo("IP");
        assertThat(a.selectable()).isFalse();
    }

    @Test
    void furtherFailuresOfAnInactiveDestinationChangeNothing() {
        Destination a = dest("a", "");
        int flags = DestinationFlags.TRYING | DestinationFlags.PROBING;
        a.markFailed(flags, 3);
        a.markFailed(flags, 3);
        int down = a.markFailed(flags, 3);
        assertThat(DestinationFlags.code(down)).isEqualTo("IP");
        for (int i = 0; i < 5; i++) {
            assertThat(a.markFailed(flags, 3)).isEqualTo(down);
        }
    }

    @Test
    void anAnswerBetweenFailuresStartsTheCountAgain() {
        Destination a = dest("a", "");
        a.markFailed(DestinationFlags.TRYING, 2);
        a.markAnswered();
        assertThat(DestinationFlags.code(a.state())).isEqualTo("AX");
        a.markFailed(DestinationFlags.TRYING, 2);
        assertThat(a.selectable()).isTrue();
        a.markFailed(DestinationFlags.TRYING, 2);
        assertThat(a.selectable()).isFalse();
    }

    @Test
    void probingOnlyKeepsTheDestinationSelectable() {
        Destination a = dest("a", "");
        assertThat(DestinationFlags.code(a.markFailed(DestinationFlags.PROBING, 1))).isEqualTo("AP");
        assertThat(a.selectable()).isTrue();
    }

    @Test
    void retryAfterSuspendsSelectionUntilItExpires() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        DestinationSet s = set(a, b);
        long now = System.nanoTime();
        a.suspendUntil(now + TimeUnit.SECONDS.toNanos(60));
        assertThat(a.suspended(now)).isTrue();
        assertThat(names(Selection.select(s, Algorithm.priority(),
            RequestKey.NONE, false, true, 0).candidates())).isEqualTo("b");
        a.suspendUntil(now - 1); // an earlier instant does not shorten a longer suspension
        assertThat(a.suspended(now)).isTrue();
        Destination c = dest("c", "");
        c.suspendUntil(now - 1);
        assertThat(c.selectable()).isTrue();
    }

    @Test
    void anInactiveDestinationComesBackAtTheRecoveryThreshold() {
        Destination a = dest("a", "");
        a.markFailed(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 1);
        assertThat(DestinationFlags.code(a.probeAnswered(2, true))).isEqualTo("IP");
        assertThat(DestinationFlags.code(a.probeAnswered(2, true))).isEqualTo("AP");
        assertThat(a.selectable()).isTrue();
    }

    @Test
    void aFailureBetweenAnswersStartsTheRecoveryCountAgain() {
        Destination a = dest("a", "");
        a.markFailed(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 1);
        a.probeAnswered(2, false);
        a.markFailed(DestinationFlags.TRYING, 1);
        assertThat(DestinationFlags.code(a.probeAnswered(2, false))).isEqualTo("IP");
        assertThat(DestinationFlags.code(a.probeAnswered(2, false))).isEqualTo("AX");
    }

    @Test
    void anAnsweredProbeClearsTryingAtOnceAndLeavesDisabledAlone() {
        Destination a = dest("a", "");
        a.markFailed(DestinationFlags.TRYING, 3);
        assertThat(DestinationFlags.code(a.probeAnswered(3, false))).isEqualTo("AX");
        Destination d = dest("d", "");
        d.updateState(DestinationFlags.DISABLED, 0);
        assertThat(DestinationFlags.code(d.probeAnswered(1, false))).isEqualTo("DX");
    }
}
