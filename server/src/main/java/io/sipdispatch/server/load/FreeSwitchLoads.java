package io.sipdispatch.server.load;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.LoadReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenSIPS's {@code fetch_freeswitch_stats}: every FreeSWITCH box named by a destination's {@code fs://} weight
 * gets one event-socket connection, however many destinations point at it, and each of its heartbeats sets
 * the load of those destinations ({@link Destination#reportLoad}), from which their weight and their free
 * capacity follow. While a box's connection is down its destinations fall back to {@code max_freeswitch_weight},
 * as before their first heartbeat: whether the box takes calls is for the SIP health checks to say, not for
 * the statistics channel.
 *
 * <p>The connections run on threads of their own, never on the SIP event loops. {@link #follow} is called with
 * every new dispatch table (start, reload, runtime add or remove).
 */
public final class FreeSwitchLoads implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FreeSwitchLoads.class);

    /** One box: its connection, the destinations it reports for, and its last report. */
    private final class Box implements EslClient.Listener {
        final EslUrl url;
        final EslClient client;
        volatile List<Destination> destinations = List.of();
        volatile LoadReport last;
        volatile long heartbeats;

        Box(EslUrl url) {
            this.url = url;
            this.client = new EslClient(url, this, minBackoff, maxBackoff);
        }

        @Override
        public void connected() {
            // The client logs it; the weights change with the first heartbeat, not before.
        }

        @Override
        public void heartbeat(Map<String, String> event) {
            LoadReport r;
            try {
                double idle = Double.parseDouble(event.getOrDefault("Idle-CPU", "100").trim());
                int sessions = Integer.parseInt(event.getOrDefault("Session-Count", "0").trim());
                int max = Integer.parseInt(event.getOrDefault("Max-Sessions", "0").trim());
                r = new LoadReport(Math.max(0, Math.min(100, idle)), Math.max(0, sessions), max);
            } catch (RuntimeException e) {
                log.debug("FreeSWITCH {}: heartbeat without readable load figures: {}", url, e.toString());
                return;
            }
            last = r;
            heartbeats++;
            for (Destination d : destinations) {
                d.reportLoad(r);
            }
        }

        @Override
        public void disconnected(String why) {
            if (last != null) {
                log.info("FreeSWITCH {}: its {} destination(s) weigh {} (max_freeswitch_weight) until it reports again",
                    url, destinations.size(), maxWeight);
            }
            last = null;
            for (Destination d : destinations) {
                d.reportLoad(null);
            }
        }
    }

    private final int maxWeight;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final Map<String, Box> boxes = new HashMap<>();
    private boolean closed;

    public FreeSwitchLoads(int maxWeight, Duration minBackoff, Duration maxBackoff) {
        this.maxWeight = maxWeight;
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * The destinations in use now: boxes no destination names any more are disconnected, new ones connected,
     * and every FreeSWITCH destination gets the cap and its box's last report.
     */
    public synchronized void follow(Collection<Destination> all) {
        if (closed) {
            return;
        }
        Map<String, List<Destination>> byBox = new LinkedHashMap<>();
        Map<String, EslUrl> urls = new HashMap<>();
        for (Destination d : all) {
            String text = d.weightUrl();
            if (text == null) {
                continue;
            }
            EslUrl url = EslUrl.parse(text); // checked when the destination was read
            urls.put(url.box(), url);
            byBox.computeIfAbsent(url.box(), k -> new ArrayList<>()).add(d);
            d.setWeightCap(maxWeight);
        }
        for (var it = boxes.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!byBox.containsKey(e.getKey())) {
                e.getValue().client.close();
                it.remove();
            }
        }
        byBox.forEach((key, ds) -> {
            Box box = boxes.get(key);
            boolean fresh = box == null;
            if (fresh) {
                box = new Box(urls.get(key));
                boxes.put(key, box);
            }
            box.destinations = List.copyOf(ds);
            LoadReport last = box.last;
            for (Destination d : ds) {
                if (last != null && d.loadReport() == null) {
                    d.reportLoad(last); // a destination added since the box's last heartbeat
                }
            }
            if (fresh) {
                box.client.start();
            }
        });
    }

    /** Boxes by {@code host:port}: whether connected and how many heartbeats came, for the management API. */
    public synchronized Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        boxes.forEach((k, b) -> out.put(b.url.toString(), (b.client.isConnected() ? "connected" : "disconnected")
            + ", " + b.heartbeats + " heartbeat(s), " + b.destinations.size() + " destination(s)"));
        return out;
    }

    /** How many boxes have a connection (or are trying to). */
    public synchronized int boxes() {
        return boxes.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        boxes.values().forEach(b -> b.client.close());
        boxes.clear();
    }
}
