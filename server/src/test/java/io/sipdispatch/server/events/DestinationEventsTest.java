package io.sipdispatch.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sipdispatch.dispatcher.Attributes;
import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DestinationRecord;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.server.config.EventSettings;
import io.sipdispatch.server.config.WebhookSpec;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** State change events: the history, the initial states, and delivery to a real HTTP receiver. */
class DestinationEventsTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T00:00:00Z"), ZoneOffset.UTC);

    static Destination dest(int set, String uri) {
        return new Destination(new DestinationRecord(set, uri, 0, 0, Attributes.NONE, ""));
    }

    @Test
    void theHistoryKeepsTheLastChangesAndNothingForNoChange() {
        DestinationEvents e = new DestinationEvents(new EventSettings(2, List.of()), CLOCK);
        Destination d = dest(1, "sip:10.0.0.1");
        e.changed(d, 0, DestinationFlags.INACTIVE | DestinationFlags.PROBING, "timeout");
        e.changed(d, 9, 9, "nothing");
        e.changed(d, 9, 8, "keepalive answered");
        e.changed(d, 8, 10, "keepalive: timeout");
        List<StateChange> h = e.history();
        assertThat(h).hasSize(2);
        assertThat(h.get(0).toString()).isEqualTo("destination sip:10.0.0.1 of set 1: IP -> AP (keepalive answered)");
        assertThat(h.get(0).event()).isEqualTo("dispatcher:dst-up");
        assertThat(h.get(1).fields()).containsEntry("event", "dispatcher:dst-up").containsEntry("status", "enabled, trying, probing")
            .containsEntry("old_state", "AP").containsEntry("new_state", "TP");
    }

    @Test
    void everyDestinationsStateIsEmittedAtStart() {
        DestinationEvents e = new DestinationEvents(new EventSettings(10, List.of()), CLOCK);
        DispatchTable t = DispatchTable.build(List.of(
            new DestinationRecord(1, "sip:10.0.0.1", 0, 0, Attributes.NONE, ""),
            new DestinationRecord(2, "sip:10.0.0.2", DestinationFlags.DISABLED, 0, Attributes.NONE, "")), null);
        e.initial(t);
        assertThat(e.history()).extracting(StateChange::reason).containsOnly("initial");
        assertThat(e.history()).extracting(c -> c.fields().get("status")).containsExactlyInAnyOrder("enabled, active", "disabled, active");
        assertThat(e.history()).filteredOn(c -> c.set() == 2).extracting(StateChange::event).containsExactly("dispatcher:dst-down");
    }

    @Test
    void aWebhookGetsEachEventAsJson() throws Exception {
        List<Map<String, Object>> got = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/events", x -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = new ObjectMapper().readValue(x.getRequestBody(), Map.class);
            got.add(body);
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.start();
        try (DestinationEvents e = new DestinationEvents(new EventSettings(0, List.of(new WebhookSpec(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/events", null, null, null))), CLOCK)) {
            e.changed(dest(3, "sip:10.0.0.3"), 0, DestinationFlags.INACTIVE | DestinationFlags.PROBING, "transport error");
            await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
            assertThat(got.get(0)).containsEntry("event", "dispatcher:dst-down").containsEntry("name", "E_DISPATCHER_STATUS")
                .containsEntry("set", 3).containsEntry("destination", "sip:10.0.0.3").containsEntry("old_state", "AX")
                .containsEntry("new_state", "IP").containsEntry("reason", "transport error")
                .containsEntry("time", "2026-11-24T00:00:00Z");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aStuckWebhookNeverHoldsTheCallerAndItsFullQueueDropsAndCounts() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.start();
        try (DestinationEvents e = new DestinationEvents(new EventSettings(0, List.of(new WebhookSpec(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/", Duration.ofSeconds(30), 0, 2))), CLOCK)) {
            Destination d = dest(1, "sip:10.0.0.1");
            // The receiver answers nothing until released: had changed() waited for it, this loop would hang.
            for (int i = 0; i < 10; i++) {
                e.changed(d, i % 2, (i + 1) % 2, "flap " + i);
            }
            // One in flight, two queued, the rest dropped and counted.
            await().atMost(Duration.ofSeconds(5)).until(() -> e.dropped() >= 7);
        } finally {
            release.countDown();
            server.stop(0);
        }
    }
}
