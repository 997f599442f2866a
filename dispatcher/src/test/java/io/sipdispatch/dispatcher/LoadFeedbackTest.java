package io.sipdispatch.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Weights and choices fed by the destinations' own load: FreeSWITCH heartbeats, set_load, declared resources. */
class LoadFeedbackTest {

    static Destination dest(String uri, String attrs) {
        return new Destination(new DestinationRecord(1, uri, 0, 0, Attributes.parse(attrs), ""));
    }

    static DestinationSet set(Destination... ds) {
        return new DestinationSet(1, List.of(ds));
    }

    /** {@code calls} new calls, each sent to the algorithm's first choice and counted there as the proxy does. */
    static Map<String, Integer> burst(Algorithm alg, DestinationSet set, int calls) {
        Map<String, Integer> got = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            Destination first = alg.order(set, null).get(0);
            first.callSent();
            got.merge(first.uri(), 1, Integer::sum);
        }
        return got;
    }

    @Test
    void aFreeSwitchWeightFollowsItsHeartbeatsAndStartsAtTheCap() {
        Destination fs = dest("sip:10.0.0.1", "weight=fs://:secret@127.0.0.1");
        assertThat(fs.weightUrl()).isEqualTo("fs://:secret@127.0.0.1");
        fs.setWeightCap(1000);
        assertThat(fs.currentWeight()).isEqualTo(1000); // no heartbeat yet: max_freeswitch_weight
        fs.reportLoad(new LoadReport(80, 250, 1000));
        assertThat(fs.currentWeight()).isEqualTo(600); // 1000 × 0.8 × (1 − 250/1000)
        fs.reportLoad(new LoadReport(50, 1000, 1000));
        assertThat(fs.currentWeight()).isZero();
        fs.reportLoad(null);
        assertThat(fs.currentWeight()).isEqualTo(1000);
        assertThat(dest("sip:10.0.0.2", "weight=7").currentWeight()).isEqualTo(7);
        assertThat(dest("sip:10.0.0.3", "weight_url=fs://u:p@h:8022").weightUrl()).isEqualTo("fs://u:p@h:8022");
        assertThat(dest("sip:10.0.0.4", "weight=fs://:p@[::1]:8021").weightUrl()).isEqualTo("fs://:p@[::1]:8021");
        // Refused when read, with the reason and without the password.
        assertThatThrownBy(() -> Attributes.parse("weight=fs://secret@host")).hasMessageContaining("fs://[user]:password@host")
            .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> Attributes.parse("weight=fs://:pw@host:port")).hasMessageContaining("not a FreeSWITCH");
    }

    @Test
    void aBurstRightAfterAHeartbeatIsSpreadByPredictedFreeCapacity() {
        Destination a = dest("sip:a", "weight=fs://:x@a");
        Destination b = dest("sip:b", "weight=fs://:x@b");
        a.reportLoad(new LoadReport(100, 40, 100)); // 60 free
        b.reportLoad(new LoadReport(100, 60, 100)); // 40 free
        Map<String, Integer> got = burst(FreeCapacity.INSTANCE, set(a, b), 40);
        // A is filled down to B's room, then they take turns: both end with 30 free, not A with 20 calls over.
        assertThat(got).containsEntry("sip:a", 30).containsEntry("sip:b", 10);
        assertThat(a.freeShare()).isEqualTo(b.freeShare());
        a.reportLoad(new LoadReport(100, 70, 100)); // the next heartbeat has the calls in it
        assertThat(a.callsSinceReport()).isZero();
    }

    @Test
    void weightedChoiceAmongFreeSwitchBoxesSplitsABurstByTheirCurrentWeights() {
        Destination a = dest("sip:a", "weight=fs://:x@a");
        Destination b = dest("sip:b", "weight=fs://:x@b");
        a.reportLoad(new LoadReport(100, 0, 1000)); // weight 100
        b.reportLoad(new LoadReport(50, 0, 1000));  // weight 50
        Map<String, Integer> got = burst(Algorithm.weighted(), set(a, b), 30);
        assertThat(got.get("sip:a")).isBetween(18, 22);
        assertThat(got.get("sip:b")).isBetween(8, 12);
    }

    @Test
    void staticWeightsAboveTheFreeSwitchCapAreCutToIt() {
        Destination fs = dest("sip:fs", "weight=fs://:x@fs");
        Destination big = dest("sip:static", "weight=900");
        fs.setWeightCap(100);
        // Uncut, the static destination would take 90 % of the calls; cut to 100 it takes half.
        Map<String, Integer> got = burst(Algorithm.weighted(), set(fs, big), 100);
        assertThat(got.get("sip:static")).isBetween(45, 55);
    }

    @Test
    void destinationsThatHaveNotReportedComeAfterThoseThatHave() {
        Destination quiet = dest("sip:quiet", "");
        Destination busy = dest("sip:busy", "");
        busy.reportLoad(new LoadReport(10, 0, 0));
        assertThat(FreeCapacity.INSTANCE.order(set(quiet, busy), null)).extracting(Destination::uri)
            .containsExactly("sip:busy", "sip:quiet");
    }

    @Test
    void destinationsThatAreOutOfServiceAreNeitherChosenNorFailedOverTo() {
        Destination a = dest("sip:a", "weight=fs://:x@a;resources=\"pstn=9\"");
        Destination b = dest("sip:b", "weight=fs://:x@b;resources=\"pstn=1\"");
        a.reportLoad(new LoadReport(100, 0, 10));
        b.reportLoad(new LoadReport(100, 5, 10));
        a.updateState(DestinationFlags.DISABLED, 0);
        DestinationSet s = set(a, b);
        assertThat(FreeCapacity.INSTANCE.order(s, null)).containsExactly(b);
        assertThat(ResourceLoad.parse("pstn").order(s, null)).containsExactly(b);
        assertThat(Algorithm.weighted().order(s, null)).containsExactly(b);
    }

    @Test
    void resourcesAreDeclaredPerDestinationAndTakenAllOrNothing() {
        Destination d = dest("sip:gw", "resources=\"pstn=2;transc=1\"");
        assertThat(d.resources()).containsExactly(Map.entry("pstn", 2), Map.entry("transc", 1));
        String[] both = {"pstn", "transc"};
        assertThat(d.freeSlot(both)).isEqualTo(1);
        assertThat(d.takeResources(both)).isTrue();
        assertThat(d.takeResources(both)).isFalse(); // transc is full: pstn is not taken either
        assertThat(d.resourceUsed("pstn")).isEqualTo(1);
        assertThat(d.freeSlot(new String[] {"video"})).isEqualTo(-1);
        d.giveBackResources(both);
        assertThat(d.freeSlot(both)).isEqualTo(1);
        assertThatThrownBy(() -> Attributes.parse("resources=pstn")).hasMessageContaining("name=capacity");
    }

    @Test
    void theLargestFreeSlotOverEveryResourceAskedComesFirstAndFullOnesAreLeftOut() {
        Destination a = dest("sip:a", "resources=\"pstn=10,transc=2\"");
        Destination b = dest("sip:b", "resources=\"pstn=4,transc=4\"");
        Destination c = dest("sip:c", "resources=\"pstn=30\""); // no transcoding
        ResourceLoad alg = ResourceLoad.parse("pstn;transc");
        DestinationSet s = set(a, b, c);
        assertThat(alg.order(s, null)).extracting(Destination::uri).containsExactly("sip:b", "sip:a");
        for (int i = 0; i < 4; i++) {
            b.takeResources(alg.wanted());
        }
        assertThat(alg.order(s, null)).extracting(Destination::uri).containsExactly("sip:a");
        assertThat(ResourceLoad.parse("pstn").order(s, null)).extracting(Destination::uri)
            .containsExactly("sip:c", "sip:a");
        assertThatThrownBy(() -> ResourceLoad.parse(" ")).hasMessageContaining("resources");
    }
}
