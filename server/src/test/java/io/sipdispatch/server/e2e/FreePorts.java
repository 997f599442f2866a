package io.sipdispatch.server.e2e;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the end-to-end tests: each is free for UDP and for TCP on both 127.0.0.1 and ::1 when handed
 * out, and is handed out once per JVM.
 *
 * <p>Ports come from 20000-32767, below Linux's ephemeral range (32768-60999), so that the source port the
 * kernel picks for some outgoing TCP connection or unbound UDP socket (SIPp's, the proxy's) never takes a
 * port a test is about to bind. A port is only checked, not held, so another process could still take it
 * in between; the range makes that unlikely.
 */
public final class FreePorts {
    private static final int LOW = 20000;
    private static final int HIGH = 32767;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** A port free for UDP and TCP on 127.0.0.1 and ::1. */
    public static synchronized int udpAndTcp() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = random.nextInt(LOW, HIGH + 1);
            if (!HANDED_OUT.contains(port) && free(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free UDP+TCP port on 127.0.0.1 and ::1 in " + LOW + "-" + HIGH);
    }

    /** {@code n} distinct ports, each as {@link #udpAndTcp()}. */
    public static int[] udpAndTcp(int n) {
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            ports[i] = udpAndTcp();
        }
        return ports;
    }

    private static boolean free(int port) {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress(address, port));
            } catch (IOException e) {
                return false;
            }
            try (DatagramSocket udp = new DatagramSocket(null)) {
                udp.setReuseAddress(false);
                udp.bind(new InetSocketAddress(address, port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
