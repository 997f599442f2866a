package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.server.SipdispatchServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three sipdispatch nodes on loopback in one cluster (JGroups, static peers): a state change seen by one node is
 * applied by the others within a second and recorded as seen by it; a node that joins takes the current state;
 * by-tag probing moves to another node when the tag holder leaves; distributed probing gives each destination
 * to exactly one live node.
 */
class ClusterIT {
    @TempDir
    static Path dir;

    static Sipp.Backend b1;
    static Sipp.Backend b2;
    static Sipp.Backend b3;
    static Sipp.Backend ring;
    static int clusterId = 40;

    final List<SipdispatchServer> nodes = new ArrayList<>();
    final java.util.Map<SipdispatchServer, Integer> sipPorts = new java.util.HashMap<>();

    @BeforeAll
    static void backends() {
        b1 = Sipp.backend(dir, "b1", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        b2 = Sipp.backend(dir, "b2", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        b3 = Sipp.backend(dir, "b3", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        ring = Sipp.backend(dir, "ring", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME, "uas_ring.xml");
    }

    @AfterAll
    static void stopBackends() {
        for (Sipp.Backend b : new Sipp.Backend[] {b1, b2, b3, ring}) {
            if (b != null) {
                b.close();
            }
        }
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(SipdispatchServer::close);
    }

    /** Three nodes of a new cluster, started one after the other: n1 is the oldest. */
    List<SipdispatchServer> cluster(String probing, String interval) throws Exception {
        return cluster(probing, interval, 2);
    }

    /**
     * As {@link #cluster(String, String)}, with the backends in {@code sets} sets: 1, each address one destination;
     * 2, each in two sets; 3, also set 3, a backend that rings for ever before b1 (route {@code ringdown}).
     */
    List<SipdispatchServer> cluster(String probing, String interval, int sets) throws Exception {
        int id = ++clusterId;
        int[] ports = FreePorts.udpAndTcp(3);
        String peers = java.util.Arrays.stream(ports).mapToObj(p -> "'127.0.0.1:" + p + "'")
            .collect(Collectors.joining(", "));
        List<SipdispatchServer> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            started.add(node(id, i, ports[i], peers, probing, interval, sets));
        }
        return started;
    }

    SipdispatchServer node(int id, int i, int clusterPort, String peers, String probing, String interval, int sets)
        throws Exception {
        Path d = Files.createDirectories(dir.resolve("c" + id + "-n" + (i + 1)));
        Files.writeString(d.resolve("dispatcher.list"), E2e.listLine(1, b1, 0, "duid=b1")
            + E2e.listLine(1, b2, 0, "duid=b2") + E2e.listLine(1, b3, 0, "duid=b3")
            + (sets < 2 ? "" : E2e.listLine(2, b1, 0, "duid=c1") + E2e.listLine(2, b2, 0, "duid=c2")
                + E2e.listLine(2, b3, 0, "duid=c3"))
            + (sets < 3 ? "" : E2e.listLine(3, ring, 10, "duid=ring") + E2e.listLine(3, b1, 0, "duid=r1")));
        Path config = d.resolve("sipdispatch.yaml");
        int sipPort = FreePorts.udpAndTcp();
        Files.writeString(config, E2e.listenEverywhere(sipPort) + """
            dispatcher:
              list_file: dispatcher.list
              reload_delta: 0s
              probing: { interval: %s, mode: all, threshold: 1 }
            events: { history: 100 }
            management: { listen: '127.0.0.1:0' }
            cluster: { id: %d, node: n%d, bind: '127.0.0.1:%d', peers: [%s], probing: %s }
            routes:
              - name: ringdown
                match: { ruri_user: '^ringdown' }
                dispatch: { set: 3, algorithm: 8, failover: { ringing_timeout: 60s, on: [timeout], mark: none } }
              - dispatch: { set: 1, algorithm: 4 }
            """.formatted(interval, id, i + 1, clusterPort, peers, probing));
        SipdispatchServer s = SipdispatchServer.prepare(config).start();
        nodes.add(s);
        sipPorts.put(s, sipPort);
        return s;
    }

    static String rpc(SipdispatchServer s) {
        return "http://127.0.0.1:" + s.managementPort() + "/RPC";
    }

    static JsonNode result(SipdispatchServer s, String method, Object... params) throws Exception {
        return ManagementIT.resultAt(rpc(s), method, params);
    }

    static Destination dest(SipdispatchServer s, int set, Sipp.Backend b) {
        return s.snapshot().table().set(set).destinations().stream()
            .filter(d -> d.uri().equals(b.uri())).findFirst().orElseThrow();
    }

    static long reloads(SipdispatchServer s) {
        long[] r = s.reloadCounts().get("default");
        return r == null ? 0 : r[0];
    }

    static void awaitMembers(List<SipdispatchServer> all, int n) {
        await("a view of " + n).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (SipdispatchServer s : all) {
                assertThat(s.cluster().members()).hasSize(n);
            }
        });
    }

    @Test
    void aDestinationMarkedDownOnOneNodeIsAvoidedByTheOthersWithinASecondAndAJoiningNodeTakesTheState()
        throws Exception {
        List<SipdispatchServer> c = cluster("all", "60s");
        awaitMembers(c, 3);
        // Health: n1 takes b2 out; the other two must avoid it within a second.
        result(c.get(0), "dispatcher.set_state", "i", 1, b2.uri());
        await("avoided everywhere").atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (SipdispatchServer s : c) {
                assertThat(dest(s, 1, b2).selectable()).as("%s", s.cluster().nodeName()).isFalse();
            }
        });
        // The event stream of n2 says the change was seen by n1.
        JsonNode history = result(c.get(1), "dispatcher.history");
        assertThat(history.toString()).contains("\"node\":\"n1\"").contains(b2.uri());

        // Admin state: n2 disables b3 (not probed in any mode, so it stays so).
        result(c.get(1), "dispatcher.set_state", "d", 1, b3.uri());
        await("disabled everywhere").atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (SipdispatchServer s : c) {
                assertThat(dest(s, 1, b3).selectable()).as("%s", s.cluster().nodeName()).isFalse();
            }
        });

        // n3 leaves and comes back: its list says b3 is enabled, the cluster says it is not.
        SipdispatchServer n3 = c.get(2);
        n3.close();
        nodes.remove(n3);
        awaitMembers(c.subList(0, 2), 2);
        SipdispatchServer again = SipdispatchServer.prepare(n3.configFile()).start();
        nodes.add(again);
        awaitMembers(List.of(c.get(0), c.get(1), again), 3);
        assertThat(dest(again, 1, b3).selectable()).as("state taken at join").isFalse();
        assertThat(dest(again, 1, b1).selectable()).isTrue();

        // A reload asked of one node reloads all.
        long before = reloads(again);
        String done = result(c.get(0), "cluster.reload").asText();
        assertThat(done).contains("asked of 2 other node(s)");
        await().atMost(Duration.ofSeconds(5)).until(() -> reloads(again) > before);
    }

    @Test
    void aCallWaitingOnADestinationAnotherNodeFindsDeadFailsOverAtOnce() throws Exception {
        List<SipdispatchServer> c = cluster("all", "60s", 3);
        awaitMembers(c, 3);
        int n2Port = sipPorts.get(c.get(1));
        // A call through n2 rings at the backend that never answers; its ringing timer is 60 s.
        java.util.concurrent.CompletableFuture<Sipp.Result> call = java.util.concurrent.CompletableFuture.supplyAsync(() ->
            Sipp.uac("uac_call.xml").target(IPV4, n2Port).transport(UDP).service("ringdown").calls(1).rate(1)
                .timeout(Duration.ofSeconds(20)).run(dir));
        await("ringing").atMost(Duration.ofSeconds(10)).until(() -> !ring.requests(m -> "INVITE".equals(m.method())
            && m.requestUri().contains("ringdown")).isEmpty());
        // n1 takes the ringing backend out: n2 cancels the branch and fails the call over now, not in 60 s.
        result(c.get(0), "dispatcher.set_state", "i", 3, ring.uri());
        Sipp.Result r = call.get(15, java.util.concurrent.TimeUnit.SECONDS);
        r.assertAllSucceeded();
        assertThat(b1.callIds(r, "INVITE")).as("answered by b1").hasSize(1);
        assertThat(ring.callIds(r, "CANCEL")).as("cancelled at the dead one").hasSize(1);
    }

    @Test
    void killingTheTagHolderMovesProbingToAnotherNode() throws Exception {
        List<SipdispatchServer> c = cluster("by-tag", "300ms");
        awaitMembers(c, 3);
        assertThat(result(c.get(1), "cluster.list").get("tag_holder").asText()).isEqualTo("n1");
        await("n1 probes").atMost(Duration.ofSeconds(5))
            .until(() -> c.get(0).proxy().counters().probesSent.sum() > 0);
        assertThat(c.get(1).proxy().counters().probesSent.sum()).isZero();
        assertThat(c.get(2).proxy().counters().probesSent.sum()).isZero();

        SipdispatchServer n1 = c.get(0);
        n1.close();
        nodes.remove(n1);
        await("the tag moves").atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(c.get(1).cluster().holdsTag()).isTrue());
        await("n2 probes").atMost(Duration.ofSeconds(5))
            .until(() -> c.get(1).proxy().counters().probesSent.sum() > 0);
        assertThat(c.get(2).proxy().counters().probesSent.sum()).isZero();
    }

    @Test
    void inDistributedModeEachDestinationIsProbedByExactlyOneLiveNode() throws Exception {
        List<SipdispatchServer> c = cluster("distributed", "300ms", 1);
        awaitMembers(c, 3);
        assertOneProberEach(c);
        // On the wire: from now on, each backend (one destination each) hears OPTIONS from one node only.
        int[] seen = {b1.keepalives().size(), b2.keepalives().size(), b3.keepalives().size()};
        Sipp.Backend[] bs = {b1, b2, b3};
        await("three rounds of probes").atMost(Duration.ofSeconds(10)).until(() ->
            b1.keepalives().size() >= seen[0] + 3 && b2.keepalives().size() >= seen[1] + 3 && b3.keepalives().size() >= seen[2] + 3);
        java.util.Set<String> probers = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            java.util.Set<String> from = bs[i].keepalives().stream().skip(seen[i]).map(SipMessage::topVia)
                .map(v -> v.replaceAll(";.*", "")).collect(Collectors.toSet());
            assertThat(from).as("probers of %s", bs[i].uri()).hasSize(1);
            probers.addAll(from);
        }
        assertThat(probers).as("the share of more than one node").hasSizeGreaterThan(1);

        SipdispatchServer n2 = c.get(1);
        n2.close();
        nodes.remove(n2);
        List<SipdispatchServer> left = List.of(c.get(0), c.get(2));
        awaitMembers(left, 2);
        assertOneProberEach(left);
    }

    @Test
    void nodesFindEachOtherThroughTheDatabaseTheDestinationsComeFrom() throws Exception {
        int id = ++clusterId;
        Path db = dir.resolve("cluster-" + id + ".db");
        for (int i = 0; i < 2; i++) {
            Path d = Files.createDirectories(dir.resolve("db" + id + "-n" + (i + 1)));
            Path config = d.resolve("sipdispatch.yaml");
            Files.writeString(config, E2e.listenEverywhere(FreePorts.udpAndTcp()) + """
                dispatcher:
                  db_url: 'sqlite://%s'
                cluster: { id: %d, node: d%d, bind: '127.0.0.1:%d', discovery: database }
                routes:
                  - dispatch: { set: 1, algorithm: 4 }
                """.formatted(db, id, i + 1, FreePorts.udpAndTcp()));
            nodes.add(SipdispatchServer.prepare(config).start());
        }
        awaitMembers(nodes, 2);
        assertThat(nodes.get(1).cluster().members()).containsExactly("d1", "d2");
    }

    static void assertOneProberEach(List<SipdispatchServer> live) {
        for (var set : live.get(0).snapshot().table().sets()) {
            for (Destination d : set.destinations()) {
                Sipp.Backend b = java.util.stream.Stream.of(b1, b2, b3, ring).filter(x -> x.uri().equals(d.uri()))
                    .findFirst().orElseThrow();
                long probers = live.stream().filter(n -> n.cluster().probes(dest(n, set.id(), b))).count();
                assertThat(probers).as("set %d %s", set.id(), b.uri()).isEqualTo(1);
            }
        }
    }
}
