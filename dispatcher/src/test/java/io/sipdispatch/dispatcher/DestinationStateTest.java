package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.firsts;
import static io.sipdispatch.dispatcher.Fixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.dispatcher.DestinationState.Admin;
import io.sipdispatch.dispatcher.DestinationState.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestinationStateTest {

    @ParameterizedTest
    @CsvSource({
        "0,   AX, 'enabled, active'",
        "8,   AP, 'enabled, active, probing'",
        "10,  TP, 'enabled, trying, probing'",
        "9,   IP, 'enabled, inactive, probing'",
        "4,   DX, 'disabled, active'",
        "13,  DP, 'disabled, inactive, probing'",
        "256, RX, 'draining, active'",
        "266, RP, 'draining, trying, probing'",
        "260, DX, 'disabled, active'"})
    void bitsReadAsAdminStateHealthAndProbingInLettersAndWords(int bits, String code, String words) {
        DestinationState s = DestinationState.of(bits);
        assertThat(s.code()).isEqualTo(code);
        assertThat(s.words()).isEqualTo(words);
        assertThat(DestinationFlags.code(bits)).isEqualTo(code);
    }

    @Test
    void onlyAnEnabledDestinationThatIsNotInactiveTakesCalls() {
        assertThat(DestinationState.of(0).takesCalls()).isTrue();
        assertThat(DestinationState.of(DestinationFlags.TRYING).takesCalls()).isTrue();
        assertThat(DestinationState.of(DestinationFlags.INACTIVE).takesCalls()).isFalse();
        assertThat(DestinationState.of(DestinationFlags.DRAINING).takesCalls()).isFalse();
        assertThat(DestinationState.of(DestinationFlags.DISABLED).takesCalls()).isFalse();
        assertThat(DestinationFlags.skipped(DestinationFlags.DRAINING)).isTrue();
    }

    @Test
    void theOperatorsDecisionLeavesTheHealthAsItWas() {
        Destination d = dest("a", "");
        d.markFailed(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 1);
        d.setAdmin(Admin.DISABLED);
        assertThat(d.view()).isEqualTo(new DestinationState(Admin.DISABLED, Health.INACTIVE, true));
        d.setAdmin(Admin.ENABLED);
        // Enabling does not pretend the destination is healthy: it stays inactive until a keepalive answers.
        assertThat(d.view()).isEqualTo(new DestinationState(Admin.ENABLED, Health.INACTIVE, true));
        assertThat(d.selectable()).isFalse();
        d.probeAnswered(1, true);
        assertThat(d.view()).isEqualTo(new DestinationState(Admin.ENABLED, Health.ACTIVE, true));
    }

    @Test
    void healthChangesWhileDrainingAndDrainingEndsOnlyByTheOperator() {
        Destination d = dest("a", "");
        d.setAdmin(Admin.DRAINING);
        d.markFailed(DestinationFlags.TRYING, 3);
        assertThat(d.view()).isEqualTo(new DestinationState(Admin.DRAINING, Health.TRYING, false));
        d.probeAnswered(1, false);
        assertThat(d.view().admin()).isEqualTo(Admin.DRAINING);
        assertThat(d.view().health()).isEqualTo(Health.ACTIVE);
        d.setAdmin(Admin.ENABLED);
        assertThat(d.view().code()).isEqualTo("AX");
    }

    @Test
    void aDrainingDestinationTakesNoNewCalls() {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        DestinationSet s = set(a, b);
        b.setAdmin(Admin.DRAINING);
        assertThat(firsts(Algorithm.roundRobin(), s, 4)).isEqualTo("a a a a");
        b.setAdmin(Admin.ENABLED);
        assertThat(firsts(Algorithm.roundRobin(), s, 4)).contains("b");
    }
}
