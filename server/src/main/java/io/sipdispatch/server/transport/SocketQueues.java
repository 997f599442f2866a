package io.sipdispatch.server.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How full the kernel's receive queues of the UDP sockets are, read from Linux's {@code /proc/net/udp} and
 * {@code udp6} every 20 ms by a thread of its own. Reads that fall behind a socket's arrivals are overload
 * only when its queue also fills towards the point where the kernel drops: after a collector's pause the
 * reads are behind as well, but the queue has room and is caught up without refusing anyone.
 */
final class SocketQueues implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SocketQueues.class);
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    /** A watched socket: its backlog and its receive buffer in bytes as the kernel counts it. */
    private record Watched(ReadBacklog backlog, int receiveBuffer) {
    }

    private final Map<Long, Watched> byInode = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    private SocketQueues(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts watching, or returns null where the kernel's tables cannot be read (not Linux). */
    static SocketQueues start() {
        if (!Files.isReadable(TABLES.get(0))) {
            return null;
        }
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "sipdispatch-socket-queues");
            th.setDaemon(true);
            return th;
        });
        SocketQueues q = new SocketQueues(t);
        t.scheduleWithFixedDelay(q::sample, 20, 20, TimeUnit.MILLISECONDS);
        return q;
    }

    /**
     * Watches the socket open as file descriptor {@code fd} of this process, whose fill is then kept in
     * {@code backlog}; {@code receiveBuffer} is its SO_RCVBUF as the kernel reports it.
     */
    void watch(int fd, ReadBacklog backlog, int receiveBuffer) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (target.startsWith("socket:[") && target.endsWith("]")) {
                watchInode(Long.parseLong(target.substring(8, target.length() - 1)), backlog, receiveBuffer);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("socket queue of fd {} not watched: {}", fd, e.toString());
        }
    }

    void watchInode(long inode, ReadBacklog backlog, int receiveBuffer) {
        byInode.put(inode, new Watched(backlog, Math.max(1, receiveBuffer)));
        backlog.fill(0);
    }

    private void sample() {
        if (byInode.isEmpty()) {
            return;
        }
        for (Path table : TABLES) {
            try {
                for (String line : Files.readAllLines(table)) {
                    read(line);
                }
            } catch (IOException | RuntimeException e) {
                log.debug("{} not read: {}", table, e.toString());
            }
        }
    }

    /** One line: {@code sl local rem st tx_queue:rx_queue tr:tm retrnsmt uid timeout inode ...}, in hex. */
    void read(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !f[0].endsWith(":")) {
            return; // the header
        }
        Watched w = byInode.get(Long.parseLong(f[9]));
        if (w != null) {
            int colon = f[4].indexOf(':');
            long rx = Long.parseLong(f[4].substring(colon + 1), 16);
            w.backlog().fill((float) rx / w.receiveBuffer());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
