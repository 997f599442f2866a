package io.sipdispatch.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipdispatch.server.config.ClusterSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the cluster: who probes what in distributed mode, and the settings. */
class ClusterTest {

    @Test
    void distributedProbingSplitsTheDestinationsEvenlyAndALeavingNodeMovesOnlyItsOwn() {
        List<String> three = List.of("n1", "n2", "n3");
        List<String> two = List.of("n1", "n3");
        Map<String, Integer> share = new HashMap<>();
        int moved = 0;
        for (int i = 0; i < 3000; i++) {
            String id = "1/gw" + i;
            String before = Cluster.owner(id, three);
            share.merge(before, 1, Integer::sum);
            String after = Cluster.owner(id, two);
            if (!before.equals("n2")) {
                assertThat(after).as(id).isEqualTo(before); // nobody else's destinations move
            } else {
                moved++;
            }
            assertThat(Cluster.owner(id, List.of("n3", "n2", "n1"))).as("order of the view").isEqualTo(before);
        }
        assertThat(share.values()).allSatisfy(n -> assertThat(n).isBetween(900, 1100));
        assertThat(moved).isEqualTo(share.get("n2"));
    }

    @Test
    void settingsAreCheckedWithTheirReason() {
        ClusterSettings s = new ClusterSettings(3, null, "127.0.0.1:7800", List.of("127.0.0.1:7801"), null, null);
        assertThat(s.node()).isEqualTo("127.0.0.1:7800");
        assertThat(s.clusterName()).isEqualTo("sipdispatch-3");
        assertThat(s.probingMode()).isEqualTo(ClusterSettings.Probing.ALL);
        assertThat(new ClusterSettings(3, "a", "h:1", List.of("h:2"), null, "by-tag").probingMode())
            .isEqualTo(ClusterSettings.Probing.BY_TAG);
        assertThatThrownBy(() -> new ClusterSettings(null, null, "h:1", List.of("h:2"), null, null))
            .hasMessageContaining("cluster.id");
        assertThatThrownBy(() -> new ClusterSettings(1, null, "h:1", List.of(), null, null))
            .hasMessageContaining("cluster.peers");
        assertThatThrownBy(() -> new ClusterSettings(1, null, "h:1", List.of("h:2"), null, "some"))
            .hasMessageContaining("all, by-tag or distributed");
        assertThatThrownBy(() -> new ClusterSettings(1, null, "h:1", null, "dns", null))
            .hasMessageContaining("static' or 'database");
        assertThat(new ClusterSettings(1, null, "h:1", null, "database", null).peers()).isEmpty();
    }
}
