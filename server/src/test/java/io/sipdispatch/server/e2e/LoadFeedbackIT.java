package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.load.EslPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load feedback through real SIPp calls: three backends with declared capacities (OpenSIPS's load_balancer) take
 * calls by their free capacity and one at capacity takes none; loads pushed with {@code dispatcher.set_load}
 * spread a burst by predicted free capacity (OpenSIPS algorithm 9).
 */
class LoadFeedbackIT {
    @TempDir
    static Path dir;

    static int port;
    static SipdispatchServer server;
    static String rpc;
    static Sipp.Backend b1;
    static Sipp.Backend b2;
    static Sipp.Backend b3;
    static EslPeer fsA;
    static EslPeer fsB;

    @BeforeAll
    static void start() throws Exception {
        b1 = Sipp.backend(dir, "b1", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        b2 = Sipp.backend(dir, "b2", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        b3 = Sipp.backend(dir, "b3", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        port = FreePorts.udpAndTcp();
        fsA = new EslPeer("ClueCon");
        fsB = new EslPeer("ClueCon");
        Files.writeString(dir.resolve("dispatcher.list"),
            E2e.listLine(3, b1, 0, "duid=fs1;weight=fs://:ClueCon@127.0.0.1:" + fsA.port())
                + E2e.listLine(3, b2, 0, "duid=fs2;weight=fs://:ClueCon@127.0.0.1:" + fsB.port())
                + E2e.listLine(3, b3, 0, "duid=static;weight=500") +
            E2e.listLine(1, b1, 0, "duid=b1;resources=\"pstn=20\"")
                + E2e.listLine(1, b2, 0, "duid=b2;resources=\"pstn=10\"")
                + E2e.listLine(1, b3, 0, "duid=b3;resources=\"pstn=6\"")
                + E2e.listLine(2, b1, 0, "duid=f1") + E2e.listLine(2, b2, 0, "duid=f2")
                + E2e.listLine(2, b3, 0, "duid=f3"));
        Path config = dir.resolve("sipdispatch.yaml");
        Files.writeString(config, E2e.listenEverywhere(port) + """
            mode: stateful
            record_route: true
            dispatcher:
              list_file: dispatcher.list
              max_freeswitch_weight: 100
            management: { listen: '127.0.0.1:0' }
            routes:
              - name: freeswitch
                match: { ruri_user: '^fs' }
                dispatch: { set: 3, algorithm: weight }
              - name: free-capacity
                match: { ruri_user: '^fc' }
                dispatch: { set: 2, algorithm: free-capacity }
              - name: pstn
                dispatch: { set: 1, algorithm: resources, key: pstn }
                when_none_left: { reply: 486, reason: No Capacity }
            """);
        server = SipdispatchServer.prepare(config).start();
        rpc = "http://127.0.0.1:" + server.managementPort() + "/RPC";
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        for (Sipp.Backend b : new Sipp.Backend[] {b1, b2, b3}) {
            if (b != null) {
                b.close();
            }
        }
        for (EslPeer p : new EslPeer[] {fsA, fsB}) {
            if (p != null) {
                try {
                    p.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    static JsonNode result(String method, Object... params) throws Exception {
        return ManagementIT.resultAt(rpc, method, params);
    }

    /** The destination of set {@code set} at {@code b}, as dispatcher.list shows it. */
    static JsonNode listed(int set, Sipp.Backend b) throws Exception {
        for (JsonNode rec : result("dispatcher.list").get("RECORDS")) {
            if (rec.get("SET").get("ID").asInt() != set) {
                continue;
            }
            for (JsonNode t : rec.get("SET").get("TARGETS")) {
                JsonNode d = t.get("DEST");
                if (d.get("URI").asText().equals(b.uri())) {
                    return d;
                }
            }
        }
        throw new AssertionError("no " + b.uri() + " in set " + set);
    }

    /** The RESOURCES of the destination of set 1 at {@code b}. */
    static String pstn(Sipp.Backend b) throws Exception {
        return listed(1, b).get("RESOURCES").get("pstn").asText();
    }

    /** The weight of the destination of set 3 at {@code b}, as the weighted choice uses it now. */
    static int weight(Sipp.Backend b) throws Exception {
        return listed(3, b).get("ATTRS").get("WEIGHT").asInt();
    }

    static Sipp.Uac held(String service, int calls, double rate, Duration hold) {
        return Sipp.uac("uac_hold.xml").target(IPV4, port).transport(UDP).service(service).calls(calls).rate(rate)
            .hold(hold).timeout(Duration.ofSeconds(60));
    }

    @Test
    void backendsWithDeclaredCapacitiesTakeCallsByFreeCapacityAndAFullOneTakesNone() throws Exception {
        // b3 is filled first: six calls held long while it is the only one enabled.
        result("dispatcher.set_state", "d", 1, b1.uri());
        result("dispatcher.set_state", "d", 1, b2.uri());
        CompletableFuture<Sipp.Result> fill = CompletableFuture.supplyAsync(() ->
            held("fill", 6, 50, Duration.ofSeconds(12)).run(dir));
        await("b3 at capacity").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pstn(b3)).isEqualTo("6/6"));
        result("dispatcher.set_state", "e", 1, b1.uri());
        result("dispatcher.set_state", "e", 1, b2.uri());

        // 30 calls within half a second, each held 3 s: all up at once against 20 + 10 free slots.
        Sipp.Result burst = held("burst", 30, 60, Duration.ofSeconds(3)).run(dir);
        burst.assertAllSucceeded();
        assertThat(b1.callIds(burst, "INVITE")).as("b1, 20 free: %s", burst).hasSize(20);
        assertThat(b2.callIds(burst, "INVITE")).as("b2, 10 free").hasSize(10);
        assertThat(b3.callIds(burst, "INVITE")).as("b3, full").isEmpty();

        Sipp.Result filled = fill.get();
        filled.assertAllSucceeded();
        assertThat(b3.callIds(filled, "INVITE")).hasSize(6);
        // Every call has ended: every slot is back, once.
        await("slots given back").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(pstn(b1)).isEqualTo("0/20");
            assertThat(pstn(b2)).isEqualTo("0/10");
            assertThat(pstn(b3)).isEqualTo("0/6");
        });
    }

    @Test
    void freeSwitchHeartbeatsSetTheWeightsCallsAreSpreadByAndALostBoxWeighsTheCap() throws Exception {
        assertThat(weight(b1)).as("before any heartbeat").isEqualTo(100);
        fsA.awaitSubscribed(Duration.ofSeconds(10));
        fsB.awaitSubscribed(Duration.ofSeconds(10));
        fsA.heartbeat(100, 0, 100);
        fsB.heartbeat(100, 75, 100);
        await().atMost(Duration.ofSeconds(10)).until(() -> weight(b2) == 25);
        assertThat(weight(b1)).isEqualTo(100);

        Sipp.Result r = Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service("fs").calls(60).rate(100)
            .timeout(Duration.ofSeconds(60)).run(dir);
        r.assertAllSucceeded();
        int a = b1.callIds(r, "INVITE").size();
        int b = b2.callIds(r, "INVITE").size();
        int c = b3.callIds(r, "INVITE").size();
        assertThat(a + b + c).isEqualTo(60);
        // The static 500 counts as the cap, 100: uncut it would take four calls in five.
        assertThat(c).as("static %d, box A %d, box B %d", c, a, b).isLessThanOrEqualTo(36);
        assertThat(b).as("the busy box takes the smallest share").isPositive().isLessThan(a);
        // Every call sent since the heartbeat counts against its box's weight until the next one.
        assertThat(weight(b2)).isEqualTo(25 - b);

        fsB.dropConnections(); // the box's statistics are gone: it weighs the cap again until it reports
        await().atMost(Duration.ofSeconds(10)).until(() -> weight(b2) == 100);
        await("reconnected").atMost(Duration.ofSeconds(10)).until(() -> fsB.connectionsAccepted() >= 2);
    }

    @Test
    void pushedLoadsSpreadABurstByPredictedFreeCapacity() throws Exception {
        result("dispatcher.set_load", 2, b1.uri(), 0, 40);
        result("dispatcher.set_load", 2, b2.uri(), 20, 40);
        result("dispatcher.set_load", 2, b3.uri(), 40, 40); // full
        // 30 calls: b1 is filled down to b2's room (20 calls), then they share the rest; b3 gets none.
        Sipp.Result r = Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service("fc").calls(30).rate(100)
            .timeout(Duration.ofSeconds(60)).run(dir);
        r.assertAllSucceeded();
        List<Integer> got = new ArrayList<>();
        for (Sipp.Backend b : new Sipp.Backend[] {b1, b2, b3}) {
            got.add(b.callIds(r, "INVITE").size());
        }
        // Calls read on both event loops may both see the same room once: a call either way at the tie.
        assertThat(got.get(0)).as("%s", got).isBetween(24, 26);
        assertThat(got.get(1)).as("%s", got).isBetween(4, 6);
        assertThat(got.get(2)).as("%s", got).isZero();
    }
}
