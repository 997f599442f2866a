package io.sipdispatch.server.trace;

import io.sipdispatch.server.config.Cidr;
import io.sipdispatch.server.config.DispatcherSettings;
import io.sipdispatch.server.config.HostPort;
import io.sipdispatch.server.config.TracingSettings;
import io.sipdispatch.server.proxy.DispatchSnapshot;
import io.sipdispatch.server.transport.Listener;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP tracing to a HEP v3 collector: every message read or sent that the filter in force selects is
 * encoded and queued; one sender thread sends the queue to the collector over UDP. The event loops never
 * wait: when tracing is off the cost is one volatile read per message, and when the queue is full a
 * packet is dropped and counted. The filter is changed at run time: every message, one Call-ID, messages to
 * or from the destinations of one set, or to or from an address or network.
 */
public final class SipTracer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SipTracer.class);

    /** What is traced. */
    public sealed interface Filter permits All, CallId, Set, Address {
        /** The filter as the API and the log show it. */
        String describe();
    }

    /** Every message. */
    public record All() implements Filter {
        @Override
        public String describe() {
            return "all";
        }
    }

    /** The messages of one call. */
    public record CallId(String callId) implements Filter {
        @Override
        public String describe() {
            return "call_id " + callId;
        }
    }

    /** Messages to or from a destination of set {@code set} of the default partition. */
    public record Set(int set) implements Filter {
        @Override
        public String describe() {
            return "set " + set;
        }
    }

    /** Messages to or from an address in {@code network}. */
    public record Address(Cidr network, String text) implements Filter {
        @Override
        public String describe() {
            return "address " + text;
        }
    }

    private final TracingSettings settings;
    private final Supplier<DispatchSnapshot> snapshot;
    private final InetSocketAddress collector;
    private final BlockingQueue<byte[]> queue;
    private final DatagramSocket socket;
    private final Thread sender;
    private volatile Filter filter;
    private volatile boolean closed;
    public final LongAdder traced = new LongAdder();
    public final LongAdder dropped = new LongAdder();
    public final LongAdder sendErrors = new LongAdder();

    public SipTracer(TracingSettings settings, Supplier<DispatchSnapshot> snapshot) throws IOException {
        this.settings = settings;
        this.snapshot = snapshot;
        HostPort hp = settings.collector();
        this.collector = new InetSocketAddress(hp.literal(), hp.port());
        this.queue = new ArrayBlockingQueue<>(settings.queue());
        this.socket = new DatagramSocket();
        this.filter = settings.active() ? new All() : null;
        this.sender = new Thread(this::sendLoop, "sipdispatch-hep");
        sender.setDaemon(true);
        sender.start();
    }

    /** Traces what {@code f} selects from now on. */
    public void start(Filter f) {
        filter = f;
        log.info("SIP tracing to HEP collector {}: {}", collector, f.describe());
    }

    public void stop() {
        if (filter != null) {
            log.info("SIP tracing stopped");
        }
        filter = null;
    }

    /** The filter in force, or null when tracing is off. */
    public Filter filter() {
        return filter;
    }

    public InetSocketAddress collector() {
        return collector;
    }

    /** A message read on {@code in} from {@code from}. */
    public void received(byte[] b, int off, int len, Listener in, InetSocketAddress from) {
        Filter f = filter;
        if (f != null) {
            trace(f, b, off, len, from, in.bound(), in.transport().reliable());
        }
    }

    /** A message sent from {@code via} to {@code to}. */
    public void sent(byte[] b, Listener via, InetSocketAddress to) {
        Filter f = filter;
        if (f != null) {
            trace(f, b, 0, b.length, via.bound(), to, via.transport().reliable());
        }
    }

    private void trace(Filter f, byte[] b, int off, int len, InetSocketAddress src, InetSocketAddress dst, boolean tcp) {
        String callId = null;
        boolean wanted;
        if (f instanceof CallId c) {
            callId = callId(b, off, len);
            wanted = c.callId().equals(callId);
        } else if (f instanceof Set s) {
            wanted = inSet(src, s.set()) || inSet(dst, s.set());
        } else if (f instanceof Address a) {
            wanted = a.network().contains(src.getAddress()) || a.network().contains(dst.getAddress());
        } else {
            wanted = true;
        }
        if (!wanted) {
            return;
        }
        if (callId == null) {
            callId = callId(b, off, len); // the correlation id, scanned only for what is traced
        }
        byte[] packet;
        try {
            packet = HepEncoder.encode(src, dst, tcp, System.currentTimeMillis() * 1000, settings.captureId(),
                settings.password(), callId, b, off, len);
        } catch (IllegalArgumentException e) {
            dropped.increment(); // too big for one HEP packet
            return;
        }
        if (queue.offer(packet)) {
            traced.increment();
        } else {
            dropped.increment();
        }
    }

    private boolean inSet(InetSocketAddress a, int set) {
        return snapshot.get().isInList(DispatcherSettings.DEFAULT_PARTITION, a.getAddress(), a.getPort(), set, false);
    }

    private void sendLoop() {
        while (!closed) {
            byte[] p;
            try {
                p = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (p == null) {
                continue;
            }
            try {
                socket.send(new DatagramPacket(p, p.length, collector));
            } catch (IOException e) {
                sendErrors.increment();
            }
        }
    }

    /**
     * The Call-ID of a raw message ({@code Call-ID:} or its compact form {@code i:}), or null: a scan of the
     * header lines, without parsing the message.
     */
    static String callId(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int eol = i;
            while (eol < end && b[eol] != '\n') {
                eol++;
            }
            int lineEnd = eol > i && b[eol - 1] == '\r' ? eol - 1 : eol;
            if (lineEnd == i) {
                return null; // the blank line: the headers are over
            }
            int nameEnd = -1;
            if (startsWithIgnoreCase(b, i, lineEnd, "call-id")) {
                nameEnd = i + 7;
            } else if (lineEnd - i > 1 && (b[i] == 'i' || b[i] == 'I') && (b[i + 1] == ':' || b[i + 1] == ' '
                || b[i + 1] == '\t')) {
                nameEnd = i + 1;
            }
            if (nameEnd > 0) {
                int k = nameEnd;
                while (k < lineEnd && (b[k] == ' ' || b[k] == '\t')) {
                    k++;
                }
                if (k < lineEnd && b[k] == ':') {
                    k++;
                    while (k < lineEnd && (b[k] == ' ' || b[k] == '\t')) {
                        k++;
                    }
                    int e = lineEnd;
                    while (e > k && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
                        e--;
                    }
                    return new String(b, k, e - k, StandardCharsets.UTF_8);
                }
            }
            i = eol + 1;
        }
        return null;
    }

    private static boolean startsWithIgnoreCase(byte[] b, int from, int to, String s) {
        if (to - from < s.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (Character.toLowerCase((char) b[from + k]) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        socket.close();
    }
}
