package io.sipdispatch.server.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Transport events, counted. */
public final class TransportCounters {
    public final LongAdder udpErrors = new LongAdder();
    public final LongAdder tcpAccepted = new LongAdder();
    public final LongAdder tcpOpened = new LongAdder();
    public final LongAdder tcpRefused = new LongAdder();
    public final LongAdder tcpConnectFailed = new LongAdder();
    public final LongAdder tcpFramingErrors = new LongAdder();
    public final LongAdder tcpIdleClosed = new LongAdder();
    public final LongAdder tcpErrors = new LongAdder();
    public final LongAdder sendFailed = new LongAdder();
    public final LongAdder udpConnectedSockets = new LongAdder();
    public final LongAdder icmpUnreachable = new LongAdder();

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("udp_errors", udpErrors.sum());
        m.put("tcp_accepted", tcpAccepted.sum());
        m.put("tcp_opened", tcpOpened.sum());
        m.put("tcp_refused", tcpRefused.sum());
        m.put("tcp_connect_failed", tcpConnectFailed.sum());
        m.put("tcp_framing_errors", tcpFramingErrors.sum());
        m.put("tcp_idle_closed", tcpIdleClosed.sum());
        m.put("tcp_errors", tcpErrors.sum());
        m.put("send_failed", sendFailed.sum());
        m.put("udp_connected_sockets", udpConnectedSockets.sum());
        m.put("icmp_unreachable", icmpUnreachable.sum());
        return m;
    }
}
