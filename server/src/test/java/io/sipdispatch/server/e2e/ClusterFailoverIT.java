package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three sipdispatch processes in one cluster, a SIPp caller on each: the node holding the sharing tag is killed
 * (SIGKILL) and a backend dies while the calls go on. The probing moves to the next node, and the calls through
 * the live nodes all complete: the backend's death, found by whichever node meets it first, is avoided by every
 * node.
 */
class ClusterFailoverIT {
    @TempDir
    Path dir;

    final List<SipdispatchProcess> nodes = new ArrayList<>();
    final List<Sipp.Backend> backends = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(SipdispatchProcess::close);
        backends.forEach(Sipp.Backend::close);
    }

    @Test
    void callsThroughTheLiveNodesAllCompleteWhileANodeIsKilledAndABackendDies() throws Exception {
        Sipp.Backend b1 = Sipp.backend(dir, "b1", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        Sipp.Backend b2 = Sipp.backend(dir, "b2", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        backends.add(b1);
        backends.add(b2);
        String list = E2e.listLine(1, b1, 0, "duid=b1") + E2e.listLine(1, b2, 0, "duid=b2");
        int[] cluster = FreePorts.udpAndTcp(3);
        int[] sip = FreePorts.udpAndTcp(3);
        String peers = java.util.Arrays.stream(cluster).mapToObj(p -> "'127.0.0.1:" + p + "'")
            .collect(Collectors.joining(", "));
        for (int i = 0; i < 3; i++) {
            String config = E2e.listenEverywhere(sip[i]) + """
                mode: stateful
                record_route: true
                dispatcher:
                  list_file: dispatcher.list
                  probing: { interval: 1s, mode: all, threshold: 1 }
                cluster: { id: 9, node: n%d, bind: '127.0.0.1:%d', peers: [%s], probing: by-tag }
                routes:
                  - dispatch:
                      set: 1
                      algorithm: 4
                      failover: { no_reply_timeout: 1s, on: [timeout, transport_error, 500, 503], mark: inactive+probing }
                    when_none_left: { reply: 404, reason: No destination }
                """.formatted(i + 1, cluster[i], peers);
            nodes.add(SipdispatchProcess.start(dir.resolve("n" + (i + 1)), config, list));
        }
        await("a view of three").atMost(Duration.ofSeconds(20)).until(() ->
            nodes.get(0).log().contains("members [n1, n2, n3]"));

        assertThat(nodes.get(0).log()).contains("(this node holds the tag)");
        // A caller on each node. The one on n1 is done before n1 is killed: a caller that knows the node is gone
        // (DNS SRV, a failed probe of its own) sends it nothing more.
        Sipp.Result onN1 = call(sip[0], "one", 40, 20).run(dir);
        onN1.assertAllSucceeded();
        CompletableFuture<Sipp.Result> onN2 = CompletableFuture.supplyAsync(() -> call(sip[1], "two", 200, 20).run(dir));
        CompletableFuture<Sipp.Result> onN3 = CompletableFuture.supplyAsync(() -> call(sip[2], "three", 200, 20).run(dir));

        await("calls flowing").atMost(Duration.ofSeconds(20)).until(() -> b1.received().size() > 150);
        nodes.get(0).kill(); // the tag holder
        await("the tag moves to n2 within the failure detection time").atMost(Duration.ofSeconds(6)).until(() ->
            nodes.get(1).log().contains("members [n2, n3] (this node holds the tag)"));
        await("more calls").atMost(Duration.ofSeconds(20)).until(() -> b1.received().size() > 330);
        b2.close(); // the backend dies: its port answers ICMP unreachable from now on

        Sipp.Result r2 = onN2.get();
        Sipp.Result r3 = onN3.get();
        for (Sipp.Result r : List.of(r2, r3)) {
            // A call whose dialog was up on b2 when it died cannot end cleanly: its BYE has nowhere to go. Those,
            // and only those, may fail; every other call completes.
            Set<String> caught = new HashSet<>(b2.callIds(r, "INVITE"));
            caught.removeAll(b2.callIds(r, "BYE"));
            assertThat(r.failed()).as("%s\ncaught on the dying backend: %s", r, caught).isLessThanOrEqualTo(caught.size());
            assertThat(r.successful() + r.failed()).isEqualTo(200);
        }
        // The death was found by one node and is known to both live ones.
        await("b2 down on both live nodes").atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (SipdispatchProcess n : nodes.subList(1, 3)) {
                assertThat(n.log()).containsPattern("destination " + java.util.regex.Pattern.quote(b2.uri())
                    + " of set 1: A. -> I");
            }
        });
        assertThat(b2.callIds(r2, "INVITE").size() + b2.callIds(r3, "INVITE").size()).as("calls sent to b2").isPositive();
    }

    static Sipp.Uac call(int port, String service, int calls, double rate) {
        return Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service(service).calls(calls).rate(rate)
            .timeout(Duration.ofSeconds(60));
    }
}
