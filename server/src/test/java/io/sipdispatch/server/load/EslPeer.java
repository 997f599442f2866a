package io.sipdispatch.server.load;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server side of FreeSWITCH's inbound event socket (mod_event_socket), as far as sipdispatch uses it, on a real
 * TCP port of 127.0.0.1: auth/request, {@code auth} or {@code userauth}, {@code event plain HEARTBEAT}, and
 * heartbeats serialized as FreeSWITCH serializes them (values percent-encoded as {@code switch_url_encode} does).
 */
public final class EslPeer implements AutoCloseable {
    /** What switch_url_encode escapes besides control characters and non-ASCII (SWITCH_URL_UNSAFE). */
    private static final String UNSAFE = "\r\n #%&+:;<=>?@[\\]^`{|}\"";
    private static final String DISCONNECT_NOTICE = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";

    /** One client connection; its writes are serialized on it, so that messages never interleave. */
    private static final class Connection {
        final Socket socket;
        final OutputStream out;
        volatile boolean subscribed;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        synchronized void send(String message) {
            try {
                out.write(message.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                close(); // the client went: its handler ends on its next read
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    private final String user;
    private final String password;
    private final ServerSocket server;
    private final Thread acceptor;
    private final String coreUuid = UUID.randomUUID().toString();
    private final long started = System.currentTimeMillis();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong(4000);
    private final List<Connection> connections = new ArrayList<>(); // guarded by this
    private final List<Thread> threads = new ArrayList<>(); // guarded by this
    private boolean closed; // guarded by this

    /** A box that wants {@code auth password}. */
    public EslPeer(String password) throws IOException {
        this(null, password);
    }

    /** A box that wants {@code userauth user:password}, or {@code auth password} when user is null. */
    public EslPeer(String user, String password) throws IOException {
        this.user = user;
        this.password = password;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "esl-peer-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far, authenticated or not. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Waits until a client that is connected now has authenticated and subscribed. */
    public void awaitSubscribed(Duration timeout) {
        await("a client authenticated and subscribed to HEARTBEAT").atMost(timeout).until(() -> {
            synchronized (this) {
                return connections.stream().anyMatch(c -> c.subscribed);
            }
        });
    }

    /** Sends a HEARTBEAT event, as FreeSWITCH 1.10 writes it, to every subscribed connection. */
    public void heartbeat(double idleCpu, int sessionCount, int maxSessions) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        long upMs = System.currentTimeMillis() - started;
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Event-Name", "HEARTBEAT");
        h.put("Core-UUID", coreUuid);
        h.put("FreeSWITCH-Hostname", "fs-test.example.net");
        h.put("FreeSWITCH-Switchname", "fs-test.example.net");
        h.put("FreeSWITCH-IPv4", "127.0.0.1");
        h.put("FreeSWITCH-IPv6", "::1");
        h.put("Event-Date-Local", now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)));
        h.put("Event-Date-GMT", now.format(DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)));
        h.put("Event-Date-Timestamp", Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, now.toInstant())));
        h.put("Event-Calling-File", "switch_core.c");
        h.put("Event-Calling-Function", "send_heartbeat");
        h.put("Event-Calling-Line-Number", "82");
        h.put("Event-Sequence", Long.toString(sequence.incrementAndGet()));
        h.put("Event-Info", "System Ready");
        h.put("Up-Time", "0 years, 0 days, 0 hours, 0 minutes, " + upMs / 1000 + " seconds, " + upMs % 1000
            + " milliseconds, 0 microseconds");
        h.put("FreeSWITCH-Version", "1.10.11-release+git~20231222T180837Z~4f4a8c1bb2~64bit");
        h.put("Uptime-msec", Long.toString(upMs));
        h.put("Session-Count", Integer.toString(sessionCount));
        h.put("Max-Sessions", Integer.toString(maxSessions));
        h.put("Session-Per-Sec", "30");
        h.put("Session-Per-Sec-Last", "1");
        h.put("Session-Per-Sec-Max", "2");
        h.put("Session-Per-Sec-FiveMin", "0");
        h.put("Session-Since-Startup", Integer.toString(sessionCount + 7));
        h.put("Session-Peak-Max", Integer.toString(sessionCount + 2));
        h.put("Session-Peak-FiveMin", Integer.toString(sessionCount));
        h.put("Idle-CPU", String.format(Locale.ROOT, "%f", idleCpu));
        h.put("Heartbeat-Interval", "20");
        StringBuilder body = new StringBuilder();
        h.forEach((k, v) -> body.append(k).append(": ").append(encode(v)).append('\n'));
        body.append('\n');
        String message = "Content-Length: " + body.toString().getBytes(StandardCharsets.UTF_8).length
            + "\nContent-Type: text/event-plain\n\n" + body;
        for (Connection c : snapshot()) {
            if (c.subscribed) {
                c.send(message);
            }
        }
    }

    /** Sends these bytes as they are to every connection, authenticated or not. */
    public void sendRaw(String text) {
        for (Connection c : snapshot()) {
            c.send(text);
        }
    }

    /** Closes the connections there are now; new ones are still accepted. */
    public void dropConnections() {
        List<Connection> dropped;
        synchronized (this) {
            dropped = new ArrayList<>(connections);
            connections.clear();
        }
        dropped.forEach(Connection::close);
    }

    /** Stops listening, closes every connection and waits for its threads to end. */
    @Override
    public void close() throws IOException, InterruptedException {
        List<Thread> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(threads);
        }
        server.close();
        dropConnections();
        acceptor.join(5_000);
        for (Thread t : all) {
            t.join(5_000);
        }
    }

    private synchronized List<Connection> snapshot() {
        return new ArrayList<>(connections);
    }

    private void accept() {
        while (true) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            int n = accepted.incrementAndGet();
            Connection c;
            try {
                c = new Connection(s);
            } catch (IOException e) {
                continue; // reset before it was served
            }
            synchronized (this) {
                if (closed) {
                    c.close();
                    return;
                }
                connections.add(c);
                Thread t = new Thread(() -> serve(c), "esl-peer-" + port() + "-" + n);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }
    }

    /** The server side of one connection: authentication, then commands, until either side closes. */
    private void serve(Connection c) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.socket.getInputStream(), StandardCharsets.UTF_8))) {
            c.send("Content-Type: auth/request\n\n");
            String expected = user == null ? "auth " + password : "userauth " + user + ":" + password;
            boolean authenticated = false;
            for (String command = command(in); command != null; command = command(in)) {
                if (!authenticated) {
                    if (!command.equals(expected)) {
                        c.send(reply("-ERR invalid"));
                        c.send(disconnectNotice());
                        return;
                    }
                    authenticated = true;
                    c.send(reply("+OK accepted"));
                } else if (command.equals("event plain HEARTBEAT")) {
                    c.send(reply("+OK event listener enabled plain"));
                    c.subscribed = true; // after the reply: a heartbeat sent from now on comes after it
                } else if (command.equals("exit")) {
                    c.send(reply("+OK bye"));
                    c.send(disconnectNotice());
                    return;
                } else {
                    c.send(reply("-ERR command not found"));
                }
            }
        } catch (IOException e) {
            // dropped, or the client went
        } finally {
            c.close();
            synchronized (this) {
                connections.remove(c);
            }
        }
    }

    /** The first line of the next command (its lines end at a blank one); null at the end of the stream. */
    private static String command(BufferedReader in) throws IOException {
        String first = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isEmpty()) {
                if (first != null) {
                    return first;
                }
            } else if (first == null) {
                first = line;
            }
        }
        return null;
    }

    private static String reply(String text) {
        return "Content-Type: command/reply\nReply-Text: " + text + "\n\n";
    }

    private static String disconnectNotice() {
        return "Content-Type: text/disconnect-notice\nContent-Length: "
            + DISCONNECT_NOTICE.getBytes(StandardCharsets.UTF_8).length + "\n\n" + DISCONNECT_NOTICE;
    }

    /** As switch_url_encode: control characters, non-ASCII and the unsafe ones as %XX of their UTF-8 bytes. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < ' ' || c > '~' || UNSAFE.indexOf(c) >= 0) {
                out.append('%').append(String.format("%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
