package io.sipdispatch.server.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipdispatch.dispatcher.Algorithm;
import io.sipdispatch.dispatcher.Attributes;
import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationRecord;
import io.sipdispatch.dispatcher.DestinationSet;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * FreeSWITCH weights over real event-socket connections to a peer that speaks the documented protocol: one
 * connection per box, weights that follow the heartbeats, a lost connection retried with the weight at the cap
 * meanwhile, and no herding of a burst right after a heartbeat.
 */
class FreeSwitchLoadsTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final int CAP = 200;

    final FreeSwitchLoads loads = new FreeSwitchLoads(CAP, Duration.ofMillis(50), Duration.ofMillis(400));

    @AfterEach
    void close() {
        loads.close();
    }

    static Destination dest(int set, String uri, String weightUrl) {
        return new Destination(new DestinationRecord(set, uri, 0, 0, Attributes.parse("weight=" + weightUrl), ""));
    }

    static String url(EslPeer peer) {
        return "fs://:ClueCon@127.0.0.1:" + peer.port();
    }

    static List<String> eslThreads(EslPeer box) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
            .filter(n -> n.startsWith("esl-") && n.endsWith(":" + box.port())).toList();
    }

    @Test
    void everyDestinationOfABoxFollowsItsHeartbeatsOverOneConnection() throws Exception {
        try (EslPeer a = new EslPeer("ClueCon"); EslPeer b = new EslPeer("ClueCon")) {
            Destination a1 = dest(1, "sip:10.0.0.1:5080", url(a));
            Destination a2 = dest(2, "sip:10.0.0.1:5080", url(a)); // the same box in another set
            Destination b1 = dest(1, "sip:10.0.0.2:5080", url(b));
            loads.follow(List.of(a1, a2, b1));
            assertThat(a1.currentWeight()).as("before any heartbeat: the cap").isEqualTo(CAP);
            a.awaitSubscribed(WAIT);
            a.heartbeat(50, 25, 100); // 200 × 0.5 × 0.75
            await().atMost(WAIT).until(() -> a1.currentWeight() == 75 && a2.currentWeight() == 75);
            assertThat(b1.currentWeight()).isEqualTo(CAP);
            b.awaitSubscribed(WAIT);
            b.heartbeat(100, 90, 100);
            await().atMost(WAIT).until(() -> b1.currentWeight() == 20);
            assertThat(a.connectionsAccepted()).as("one connection for two destinations").isEqualTo(1);
            assertThat(loads.boxes()).isEqualTo(2);
        }
    }

    @Test
    void aLostConnectionIsRetriedAndTheWeightIsTheCapUntilTheBoxReportsAgain() throws Exception {
        try (EslPeer box = new EslPeer("ClueCon")) {
            Destination d = dest(1, "sip:10.0.0.1:5080", url(box));
            loads.follow(List.of(d));
            box.awaitSubscribed(WAIT);
            box.heartbeat(50, 0, 100);
            await().atMost(WAIT).until(() -> d.currentWeight() == 100);
            box.dropConnections();
            await("back to the cap").atMost(WAIT).until(() -> d.currentWeight() == CAP);
            await("reconnected").atMost(WAIT).until(() -> box.connectionsAccepted() >= 2);
            box.awaitSubscribed(WAIT);
            box.heartbeat(100, 50, 100);
            await().atMost(WAIT).until(() -> d.currentWeight() == 100);
        }
    }

    @Test
    void aDestinationWhoseBoxIsUnreachableWeighsTheCap() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once closed
        }
        Destination d = dest(1, "sip:10.0.0.1:5080", "fs://:ClueCon@127.0.0.1:" + closed);
        loads.follow(List.of(d));
        assertThat(d.currentWeight()).isEqualTo(CAP);
        assertThat(loads.describe()).hasSize(1).allSatisfy((box, state) -> {
            assertThat(box).doesNotContain("ClueCon"); // the password is never shown
            assertThat(state).startsWith("disconnected");
        });
    }

    @Test
    void aBoxNoLongerNamedIsDisconnectedAndItsThreadEnds() throws Exception {
        try (EslPeer box = new EslPeer("ClueCon")) {
            loads.follow(List.of(dest(1, "sip:10.0.0.1:5080", url(box))));
            box.awaitSubscribed(WAIT);
            assertThat(eslThreads(box)).hasSize(1);
            loads.follow(List.of());
            assertThat(loads.boxes()).isZero();
            await().atMost(WAIT).untilAsserted(() -> assertThat(eslThreads(box)).isEmpty());
        }
    }

    @Test
    void aBurstRightAfterAHeartbeatIsSpreadByPredictedRoomNotSentToTheIdlestBox() throws Exception {
        try (EslPeer a = new EslPeer("ClueCon"); EslPeer b = new EslPeer("ClueCon")) {
            Destination da = dest(1, "sip:10.0.0.1:5080", url(a));
            Destination db = dest(1, "sip:10.0.0.2:5080", url(b));
            loads.follow(List.of(da, db));
            a.awaitSubscribed(WAIT);
            b.awaitSubscribed(WAIT);
            a.heartbeat(100, 0, 60);  // idle: weight 200
            b.heartbeat(100, 30, 60); // half full: weight 100
            await().atMost(WAIT).until(() -> da.currentWeight() == 200 && db.currentWeight() == 100);
            // 60 new calls before the next heartbeat, each counted at its box as the proxy does.
            DestinationSet set = new DestinationSet(1, List.of(da, db));
            Map<Destination, Integer> got = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                Destination first = Algorithm.weighted().order(set, null).get(0);
                first.callSent();
                got.merge(first, 1, Integer::sum);
            }
            // Room predicted: 60 and 30 sessions. Herding would send all 60 to A and overfill it; by the weights
            // of each moment A takes about twice B's share and neither is pushed past its room.
            assertThat(got.get(da)).isBetween(36, 44);
            assertThat(got.get(db)).isBetween(16, 24);
            assertThat(db.freeShare()).isGreaterThanOrEqualTo(0);
        }
    }
}
