package io.sipdispatch.dispatcher;

import static io.sipdispatch.dispatcher.Fixtures.dest;
import static io.sipdispatch.dispatcher.Fixtures.firsts;
import static io.sipdispatch.dispatcher.Fixtures.names;
import static io.sipdispatch.dispatcher.Fixtures.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlgorithmsTest {

    private static String kamailio(String text) {
        return Algorithms.parse(text, Numbering.KAMAILIO, HashMode.RENDEZVOUS, "$ci").name();
    }

    private static String opensips(String text) {
        return Algorithms.parse(text, Numbering.OPENSIPS, HashMode.RENDEZVOUS, "$ci").name();
    }

    @Test
    void everyKamailioNumber() {
        Map<Integer, String> names = new LinkedHashMap<>();
        for (int n = 0; n <= 65; n++) {
            names.put(n, kamailio(Integer.toString(n)));
        }
        assertThat(names).containsAllEntriesOf(Map.ofEntries(
            Map.entry(0, "hash-call-id"), Map.entry(1, "hash-from-uri"), Map.entry(2, "hash-to-uri"),
            Map.entry(3, "hash-request-uri"), Map.entry(4, "round-robin"), Map.entry(5, "hash-auth-user"),
            Map.entry(6, "random"), Map.entry(7, "hash-key"), Map.entry(8, "priority"), Map.entry(9, "weight"),
            Map.entry(10, "call-load"), Map.entry(11, "relative-weight"), Map.entry(12, "parallel"),
            Map.entry(13, "latency"), Map.entry(14, "round-robin-or-serial"), Map.entry(15, "priority-weight"),
            Map.entry(64, "round-robin-overload")));
        // Every other number is "not implemented": Kamailio then takes the first entry, which is priority.
        for (int n : new int[] {16, 17, 32, 63, 65}) {
            assertThat(names.get(n)).as("Kamailio %d", n).isEqualTo("priority");
        }
        assertThat(kamailio("1000000")).isEqualTo("priority");
        assertThat(kamailio("99999999999999999999")).isEqualTo("priority");
    }

    @Test
    void everyOpenSipsNumber() {
        assertThat(List.of(opensips("0"), opensips("1"), opensips("2"), opensips("3"), opensips("4"), opensips("5"),
            opensips("6"), opensips("7"), opensips("8"), opensips("9"), opensips("11"), opensips("64")))
            .containsExactly("hash-call-id", "hash-from-uri", "hash-to-uri", "hash-request-uri", "weight",
                "hash-auth-user", "random", "hash-key", "priority", "free-capacity", "priority", "priority");
        assertThatThrownBy(() -> opensips("10")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("algo_route");
    }

    @ParameterizedTest
    @CsvSource({"round-robin, round-robin", "ROUND-ROBIN, round-robin", " first , priority", "serial, priority",
        "weighted-round-robin, weight", "srv, priority-weight", "hash-key, hash-key", "call-load, call-load",
        "relative-weight, relative-weight", "parallel, parallel", "latency, latency", "+4, round-robin"})
    void namesAndAliases(String text, String canonical) {
        assertThat(kamailio(text)).isEqualTo(canonical);
        assertThat(AlgorithmKind.of(text, Numbering.KAMAILIO).canonicalName()).isEqualTo(canonical);
    }

    @Test
    void badTextSaysWhy() {
        assertThatThrownBy(() -> kamailio("-1")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("negative");
        assertThatThrownBy(() -> kamailio("-99999999999999999999")).hasMessageContaining("negative");
        assertThatThrownBy(() -> kamailio("fastest")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("unknown algorithm 'fastest'").hasMessageContaining("round-robin-overload");
        assertThatThrownBy(() -> kamailio(" ")).hasMessageContaining("no algorithm");
        assertThatThrownBy(() -> Algorithms.parse(null, Numbering.KAMAILIO, HashMode.RENDEZVOUS, null))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Algorithms.parse("7", Numbering.KAMAILIO, HashMode.RENDEZVOUS, null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a key template");
        assertThatThrownBy(() -> Algorithms.parse("hash-key", Numbering.OPENSIPS, HashMode.MODULO, "  "))
            .hasMessageContaining("needs a key template");
        assertThatThrownBy(() -> Algorithms.parse("hash-key", Numbering.KAMAILIO, HashMode.MODULO, "$fU@$xx"))
            .hasMessageContaining("'$xx'");
    }

    @Test
    void otherAlgorithmsIgnoreTheKeyTemplateAsKamailioIgnoresHashPvar() {
        assertThat(Algorithms.parse("4", Numbering.KAMAILIO, HashMode.MODULO, "$nonsense").name()).isEqualTo("round-robin");
    }

    @Test
    void theKindTableGivesNamesAndBothNumbers() {
        assertThat(AlgorithmKind.WEIGHT.kamailioNumber()).hasValue(9);
        assertThat(AlgorithmKind.WEIGHT.opensipsNumber()).hasValue(4);
        assertThat(AlgorithmKind.WEIGHT.aliases()).containsExactly("weighted-round-robin");
        assertThat(AlgorithmKind.ROUND_ROBIN.opensipsNumber()).isEmpty();
        assertThat(AlgorithmKind.CALL_LOAD.number(Numbering.OPENSIPS)).isEmpty();
        assertThat(AlgorithmKind.FREE_CAPACITY.number(Numbering.OPENSIPS)).hasValue(9);
        assertThat(AlgorithmKind.FREE_CAPACITY.kamailioNumber()).isEmpty();
        assertThat(AlgorithmKind.ROUND_ROBIN_OVERLOAD.number(Numbering.KAMAILIO)).hasValue(64);
        assertThat(AlgorithmKind.PRIORITY.aliases()).containsExactly("first", "serial");
        for (AlgorithmKind k : AlgorithmKind.values()) {
            assertThat(k.kamailioNumber().isPresent() || k.opensipsNumber().isPresent()
                || k == AlgorithmKind.RESOURCES).as(k.canonicalName()).isTrue();
            assertThat(Algorithms.create(k, null, null, "$ci").name()).isEqualTo(k.canonicalName());
            assertThat(AlgorithmKind.of(k.canonicalName(), Numbering.OPENSIPS)).isSameAs(k);
            k.kamailioNumber().ifPresent(n -> assertThat(AlgorithmKind.of(Integer.toString(n), Numbering.KAMAILIO)).isSameAs(k));
            k.opensipsNumber().ifPresent(n -> assertThat(AlgorithmKind.of(Integer.toString(n), Numbering.OPENSIPS)).isSameAs(k));
            assertThat(k.isHash()).isEqualTo(k.canonicalName().startsWith("hash-"));
            assertThat(k.needsKeyTemplate()).isEqualTo(k == AlgorithmKind.HASH_KEY);
        }
    }

    @Test
    void theDocsListEveryAlgorithmWithItsNumbers() throws IOException {
        String doc = Files.readString(Path.of("../docs/algorithms.md"));
        for (AlgorithmKind k : AlgorithmKind.values()) {
            String row = "| `" + k.canonicalName() + "` | "
                + (k.kamailioNumber().isPresent() ? Integer.toString(k.kamailioNumber().getAsInt()) : "–") + " | "
                + (k.opensipsNumber().isPresent() ? Integer.toString(k.opensipsNumber().getAsInt()) : "–") + " |";
            assertThat(doc).as(k.canonicalName()).contains(row);
        }
    }

    @Test
    void hashModeModuloSendsADownDestinationsKeysToItsNeighbourRendezvousSpreadsThem() {
        Map<String, Integer> modulo = movedKeys(HashMode.MODULO);
        Map<String, Integer> rendezvous = movedKeys(HashMode.RENDEZVOUS);
        assertThat(modulo).containsOnlyKeys("c");
        assertThat(rendezvous).containsOnlyKeys("a", "c");
        assertThat(rendezvous.get("a")).isBetween(350, 650); // of about 1000 keys b held
    }

    /** Where the keys b held go when b goes down: destination → how many. */
    private static Map<String, Integer> movedKeys(HashMode mode) {
        Destination a = dest("a", "");
        Destination b = dest("b", "");
        Destination c = dest("c", "");
        DestinationSet s = set(a, b, c);
        Algorithm h = Algorithms.parse("hash-call-id", Numbering.KAMAILIO, mode, null);
        List<RequestKey> onB = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            RequestKey k = RequestKey.ofCallId("call-" + i);
            if (h.order(s, k).get(0) == b) {
                onB.add(k);
            }
        }
        b.updateState(DestinationFlags.INACTIVE, 0);
        Map<String, Integer> to = new HashMap<>();
        for (RequestKey k : onB) {
            to.merge(names(h.order(s, k).subList(0, 1)), 1, Integer::sum);
        }
        return to;
    }

    @Test
    void hashKeyWithoutItsKeySelectsNothingAsKamailioFailsOnAnEmptyKey() {
        DestinationSet s = set(dest("a", ""), dest("b", ""));
        Algorithm h = Algorithms.parse("7", Numbering.KAMAILIO, HashMode.RENDEZVOUS, "tenant-$hdr(X-Tenant)");
        assertThat(h.order(s, RequestKey.NONE)).isEmpty();
        assertThat(Selection.select(s, h, RequestKey.NONE, false, true, 0)).isSameAs(Selection.NONE);
        RequestKey blue = new RequestKey() {
            @Override
            public String header(String name) {
                return name.equals("X-Tenant") ? "blue" : null;
            }
        };
        String first = names(h.order(s, blue).subList(0, 1));
        for (int i = 0; i < 10; i++) {
            assertThat(names(h.order(s, blue))).startsWith(first).hasSize(3);
        }
    }

    @Test
    void hashAuthUserWithoutCredentialsIsRoundRobinForKamailioAndWeightedForOpenSips() {
        DestinationSet s1 = set(dest("a", "weight=1"), dest("b", "weight=3"));
        DestinationSet s2 = set(dest("a", "weight=1"), dest("b", "weight=3"));
        Algorithm kam = Algorithms.parse("5", Numbering.KAMAILIO, HashMode.RENDEZVOUS, null);
        Algorithm osips = Algorithms.parse("5", Numbering.OPENSIPS, HashMode.MODULO, null);
        assertThat(firsts(kam, s1, 4)).isEqualTo("a b a b");
        assertThat(firsts(osips, s2, 4)).isEqualTo("b a b b");
    }
}
