package io.sipdispatch.server.management;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DestinationSet;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.dispatcher.LatencyStats;
import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.proxy.Keepalives;
import io.sipdispatch.server.proxy.ProxyCounters;
import io.sipdispatch.server.transport.LoopLagProbe;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;

/**
 * {@code /metrics} in Prometheus's text format (version 0.0.4): SIP traffic by method and code, rejections
 * and drops by reason, transactions, failovers, per destination its state, latency, calls and requests, probe
 * results, reloads, the event loops' lag and queue, and the JVM. Written from the counters as they are when
 * scraped; nothing is kept between scrapes.
 */
final class Metrics {
    private final SipdispatchServer server;

    Metrics(SipdispatchServer server) {
        this.server = server;
    }

    String scrape() {
        StringBuilder out = new StringBuilder(16 * 1024);
        ProxyCounters c = server.proxy().counters();

        family(out, "sipdispatch_requests_total", "counter", "SIP requests read, by method");
        for (String m : ProxyCounters.METHODS) {
            sample(out, "sipdispatch_requests_total", c.requestsOf(m), "method", m);
        }
        family(out, "sipdispatch_responses_total", "counter", "SIP responses read, by status code");
        for (Map.Entry<Integer, Long> e : c.responsesByCode().entrySet()) {
            sample(out, "sipdispatch_responses_total", e.getValue(), "code", Integer.toString(e.getKey()));
        }
        counter(out, "sipdispatch_requests_forwarded_total", "requests sent on", c.requestsForwarded.sum());
        counter(out, "sipdispatch_responses_forwarded_total", "responses sent on", c.responsesForwarded.sum());
        counter(out, "sipdispatch_replies_sent_total", "responses this server answered with", c.repliesSent.sum());
        family(out, "sipdispatch_rejected_total", "counter", "messages refused as malformed, by the rule they broke");
        c.rejections().forEach((reason, n) -> sample(out, "sipdispatch_rejected_total", n, "reason", reason));
        family(out, "sipdispatch_dropped_total", "counter", "messages dropped without an answer, by reason");
        c.drops().forEach((reason, n) -> sample(out, "sipdispatch_dropped_total", n, "reason", reason));
        counter(out, "sipdispatch_no_destination_total", "requests a route found no destination for",
            c.noDestination.sum());
        counter(out, "sipdispatch_blacklisted_total", "requests not relayed to a blacklisted address",
            c.blacklisted.sum());
        counter(out, "sipdispatch_transactions_total", "server transactions started", c.transactions.sum());
        gauge(out, "sipdispatch_transactions_live", "server transactions in progress", c.liveTransactions.sum());
        gauge(out, "sipdispatch_transactions_unanswered", "transactions whose caller has no final answer yet",
            c.unansweredTransactions.sum());
        counter(out, "sipdispatch_refused_stopping_total", "new requests answered 503 while stopping",
            c.refusedStopping.sum());
        counter(out, "sipdispatch_refused_overload_total", "new calls answered 503 because reading fell behind",
            c.refusedOverload.sum());
        counter(out, "sipdispatch_acks_absorbed_total", "ACKs of this server's own final responses",
            c.acksAbsorbed.sum());
        counter(out, "sipdispatch_transactions_refused_total", "requests refused because the table was full",
            c.transactionsRefused.sum());
        counter(out, "sipdispatch_retransmissions_absorbed_total", "retransmissions answered from a transaction",
            c.retransmissionsAbsorbed.sum());
        counter(out, "sipdispatch_failovers_total", "requests moved to another destination", c.failovers.sum());
        counter(out, "sipdispatch_branch_timeouts_total", "branches given up for want of a response",
            c.branchTimeouts.sum());
        counter(out, "sipdispatch_branch_transport_errors_total", "branches failed on a transport error",
            c.branchTransportErrors.sum());
        counter(out, "sipdispatch_destinations_down_total", "destinations turned inactive", c.destinationsDown.sum());
        counter(out, "sipdispatch_destinations_up_total", "destinations brought back", c.destinationsUp.sum());
        family(out, "sipdispatch_probes_total", "counter", "keepalive probes, by result");
        sample(out, "sipdispatch_probes_total", c.probesSent.sum(), "result", "sent");
        sample(out, "sipdispatch_probes_total", c.probesAnswered.sum(), "result", "answered");
        sample(out, "sipdispatch_probes_total", c.probesFailed.sum(), "result", "failed");
        Keepalives k = server.proxy().keepalives();
        gauge(out, "sipdispatch_probing_active", "whether keepalive probing is on (ping_active)",
            k != null && k.active() ? 1 : 0);

        destinations(out);

        family(out, "sipdispatch_reloads_total", "counter", "reloads of each partition, by result");
        server.reloadCounts().forEach((p, n) -> {
            sample(out, "sipdispatch_reloads_total", n[0], "partition", p, "result", "done");
            sample(out, "sipdispatch_reloads_total", n[1], "partition", p, "result", "failed");
        });

        family(out, "sipdispatch_transport_events_total", "counter", "socket events, by kind");
        server.transport().counters().snapshot().forEach((kind, n) ->
            sample(out, "sipdispatch_transport_events_total", n, "kind", kind));
        LoopLagProbe lag = server.transport().lagProbe();
        if (lag != null) {
            family(out, "sipdispatch_event_loop_lag_seconds", "gauge",
                "the longest an event loop ran a due task late in the last whole second");
            long[] l = lag.lastSecondNanos();
            for (int i = 0; i < l.length; i++) {
                sample(out, "sipdispatch_event_loop_lag_seconds", l[i] / 1e9, "loop", Integer.toString(i));
            }
            gauge(out, "sipdispatch_event_loop_lag_max_seconds", "the longest since start", lag.worstNanos() / 1e9);
        }
        family(out, "sipdispatch_event_loop_pending_tasks", "gauge", "tasks waiting on each event loop");
        int[] pending = server.transport().pendingTasks();
        for (int i = 0; i < pending.length; i++) {
            sample(out, "sipdispatch_event_loop_pending_tasks", pending[i], "loop", Integer.toString(i));
        }

        jvm(out);
        return out.toString();
    }

    private void destinations(StringBuilder out) {
        String[] names = {"sipdispatch_destination_up", "sipdispatch_destination_enabled",
            "sipdispatch_destination_probing", "sipdispatch_destination_calls", "sipdispatch_destination_requests_total",
            "sipdispatch_destination_latency_seconds", "sipdispatch_destination_probe_timeouts_total"};
        String[] types = {"gauge", "gauge", "gauge", "gauge", "counter", "gauge", "counter"};
        String[] helps = {"1 when the destination takes new calls (active, enabled, not draining)",
            "1 when the operator has not disabled or drained it", "1 while it is probed (the P of its flags)",
            "calls counted for call-load", "requests sent to it (its share of the traffic)",
            "keepalive round trip: avg, std, est (the EWMA algorithm 13 reads) and max",
            "keepalives that timed out"};
        StringBuilder[] parts = new StringBuilder[names.length];
        for (int i = 0; i < names.length; i++) {
            parts[i] = new StringBuilder();
            family(parts[i], names[i], types[i], helps[i]);
        }
        for (Map.Entry<String, DispatchTable> p : server.snapshot().partitions().entrySet()) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (DestinationSet s : p.getValue().sets()) {
                for (Destination d : s.destinations()) {
                    if (!seen.add(d.identity())) {
                        continue; // one destination listed twice in its set (Kamailio allows it): one series
                    }
                    // Labels that do not change with the state, so that a series lives as long as the
                    // destination; the identity tells apart two destinations of one set at one URI.
                    String[] l = {"partition", p.getKey(), "set", Integer.toString(s.id()), "uri", d.uri(),
                        "id", d.identity()};
                    int st = d.state();
                    sample(parts[0], names[0], DestinationFlags.skipped(st) ? 0 : 1, l);
                    sample(parts[1], names[1],
                        (st & (DestinationFlags.DISABLED | DestinationFlags.DRAINING)) == 0 ? 1 : 0, l);
                    sample(parts[2], names[2], (st & DestinationFlags.PROBING) != 0 ? 1 : 0, l);
                    sample(parts[3], names[3], d.activeCalls(), l);
                    sample(parts[4], names[4], d.selections(), l);
                    LatencyStats.Snapshot lat = d.latencyStats().snapshot();
                    sample(parts[5], names[5], lat.averageMicros() / 1e6, with(l, "stat", "avg"));
                    sample(parts[5], names[5], lat.stdDevMicros() / 1e6, with(l, "stat", "std"));
                    sample(parts[5], names[5], lat.estimateMicros() / 1e6, with(l, "stat", "est"));
                    sample(parts[5], names[5], lat.maxMicros() / 1e6, with(l, "stat", "max"));
                    sample(parts[6], names[6], lat.timeouts(), l);
                }
            }
        }
        for (StringBuilder b : parts) {
            out.append(b);
        }
    }

    private static String[] with(String[] labels, String k, String v) {
        String[] out = java.util.Arrays.copyOf(labels, labels.length + 2);
        out[labels.length] = k;
        out[labels.length + 1] = v;
        return out;
    }

    private static void jvm(StringBuilder out) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        family(out, "jvm_memory_used_bytes", "gauge", "memory in use");
        sample(out, "jvm_memory_used_bytes", heap.getUsed(), "area", "heap");
        sample(out, "jvm_memory_used_bytes", nonHeap.getUsed(), "area", "nonheap");
        family(out, "jvm_memory_max_bytes", "gauge", "the most memory the JVM may use (-1: no limit)");
        sample(out, "jvm_memory_max_bytes", heap.getMax(), "area", "heap");
        sample(out, "jvm_memory_max_bytes", nonHeap.getMax(), "area", "nonheap");
        // Netty's pooled buffers live outside the heap: direct memory that only a leak or a burst makes grow.
        if (io.netty.buffer.ByteBufAllocator.DEFAULT instanceof io.netty.buffer.ByteBufAllocatorMetricProvider a) {
            gauge(out, "sipdispatch_netty_direct_memory_bytes", "direct memory Netty's buffer allocator holds",
                a.metric().usedDirectMemory());
        }
        counter(out, "sipdispatch_netty_leaks_total", "buffers collected unreleased, as Netty's leak detector saw",
            io.sipdispatch.server.transport.LeakCounter.count());
        StringBuilder count = new StringBuilder();
        StringBuilder secs = new StringBuilder();
        family(count, "jvm_gc_collections_total", "counter", "garbage collections, by collector");
        family(secs, "jvm_gc_collection_seconds_total", "counter", "time in garbage collection, by collector");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sample(count, "jvm_gc_collections_total", Math.max(0, gc.getCollectionCount()), "gc", gc.getName());
            sample(secs, "jvm_gc_collection_seconds_total", Math.max(0, gc.getCollectionTime()) / 1e3, "gc",
                gc.getName());
        }
        out.append(count).append(secs);
        gauge(out, "jvm_threads_live", "live threads", ManagementFactory.getThreadMXBean().getThreadCount());
        gauge(out, "process_start_time_seconds", "when the process started, in Unix time",
            ManagementFactory.getRuntimeMXBean().getStartTime() / 1e3);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            counter(out, "process_cpu_seconds_total", "CPU time of the process", os.getProcessCpuTime() / 1e9);
        }
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, double v) {
        family(out, name, "counter", help);
        sample(out, name, v);
    }

    private static void gauge(StringBuilder out, String name, String help, double v) {
        family(out, name, "gauge", help);
        sample(out, name, v);
    }

    private static void sample(StringBuilder out, String name, double v, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"");
                escape(out, labels[i + 1]);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ');
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.append((long) v);
        } else {
            out.append(v);
        }
        out.append('\n');
    }

    private static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(ch);
            }
        }
    }
}
