package io.sipdispatch.server.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FreeSWITCH event socket client in inbound mode (mod_event_socket): it connects to the box, authenticates
 * ({@code auth}, or {@code userauth} when the URL names a user), subscribes to {@code event plain HEARTBEAT} and
 * hands each heartbeat's headers to its {@link Listener}; a lost connection is retried with an exponential backoff.
 *
 * <p>One daemon platform thread per client does blocking socket I/O: a heartbeat comes every 20 s by default, far
 * too rarely to be worth a place on the SIP event loops, where a slow or hostile box must never stall calls.
 */
public final class EslClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EslClient.class);

    /** A box that accepts but does not speak, or a firewall that drops, must not hold the thread for long. */
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    /** The handshake's answers come at once from a live box; once subscribed, silence is normal between heartbeats. */
    private static final int HANDSHAKE_TIMEOUT_MS = 10_000;
    private static final int MAX_HEADER_BLOCK = 64 * 1024;
    private static final int MAX_BODY = 1024 * 1024;

    /** What the client reports; called on the client's thread, so it must not block for long. */
    public interface Listener {
        /** Authenticated and subscribed. */
        void connected();

        /** The headers of one HEARTBEAT event, values URL-decoded. */
        void heartbeat(Map<String, String> event);

        /** Lost, refused, authentication failed...; a reconnect follows. */
        void disconnected(String why);
    }

    /** The connection must end: a protocol violation or a refusal, said in the message. */
    private static final class EslException extends IOException {
        EslException(String message) {
            super(message);
        }
    }

    private final EslUrl url;
    private final Listener listener;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    /** Counted down by close(): ends the backoff wait at once. */
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile boolean connected;
    /** The socket of the attempt in progress, for close() to break a blocking connect or read. */
    private volatile Socket socket;
    private Thread thread;
    /** The wait before the next attempt; only the client's thread touches it. */
    private Duration backoff;

    public EslClient(EslUrl url, Listener listener, Duration minBackoff, Duration maxBackoff) {
        if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("backoff " + minBackoff + " to " + maxBackoff + " is not 0 < min <= max");
        }
        this.url = url;
        this.listener = listener;
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        this.backoff = minBackoff;
    }

    /** Starts the client's thread, {@code esl-<box>}; once only. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("EslClient " + url + " already started");
        }
        thread = new Thread(this::run, "esl-" + url.box());
        thread.setDaemon(true);
        if (!closed) {
            thread.start();
        }
    }

    public boolean isConnected() {
        return connected;
    }

    /** Stops the thread and closes the socket without waiting for the thread: it ends as soon as it sees it. */
    @Override
    public void close() {
        closed = true;
        stop.countDown();
        closeQuietly(socket);
    }

    private void run() {
        boolean failing = false; // the first failure and each loss are news, the retries after them are not
        while (!closed) {
            String why = session();
            boolean wasConnected = connected;
            connected = false;
            closeQuietly(socket);
            if (closed) {
                break;
            }
            if (wasConnected) {
                log.info("FreeSWITCH {}: event socket lost ({}), reconnecting", url, why);
            } else if (!failing) {
                log.info("FreeSWITCH {}: event socket unavailable ({}), retrying", url, why);
            } else {
                log.debug("FreeSWITCH {}: event socket unavailable ({}), next attempt in {}", url, why, backoff);
            }
            failing = true;
            tell(() -> listener.disconnected(why));
            try {
                if (stop.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                break; // nobody but close() has a reason to stop this thread
            }
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
    }

    /** One connection, from connect to its end; returns why it ended. */
    private String session() {
        Socket s = new Socket();
        socket = s;
        if (closed) {
            return "closed"; // close() may have run before the socket was visible to it
        }
        try {
            s.setKeepAlive(true);
            s.connect(new InetSocketAddress(url.host(), url.port()), CONNECT_TIMEOUT_MS);
            InputStream in = new BufferedInputStream(s.getInputStream());
            handshake(s, in, s.getOutputStream());
            connected = true;
            log.info("FreeSWITCH {}: event socket connected, subscribed to HEARTBEAT", url);
            tell(listener::connected);
            events(in);
            return "connection closed by FreeSWITCH";
        } catch (EOFException e) {
            return e.getMessage() != null ? e.getMessage() : "connection closed by FreeSWITCH in the middle of a message";
        } catch (IOException | RuntimeException e) {
            return e.getMessage() != null ? e.getMessage() : e.toString();
        }
    }

    private void handshake(Socket s, InputStream in, OutputStream out) throws IOException {
        s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
        try {
            if (readMessage(in, "auth/request") == null) {
                throw new EOFException("connection closed by FreeSWITCH before its auth/request");
            }
            String auth = url.user() == null ? "auth " + url.password() : "userauth " + url.user() + ":" + url.password();
            if (!command(in, out, auth).startsWith("+OK")) {
                throw new EslException("authentication refused");
            }
            backoff = minBackoff; // the box and the credentials are right: a later loss is retried quickly
            String reply = command(in, out, "event plain HEARTBEAT");
            if (!reply.startsWith("+OK")) {
                throw new EslException("subscription refused: " + reply);
            }
        } catch (SocketTimeoutException e) {
            throw new EslException("no answer to the handshake within " + HANDSHAKE_TIMEOUT_MS / 1000 + " s");
        }
        s.setSoTimeout(0);
    }

    /** Reads messages until the end of the stream, passing on the HEARTBEAT events. */
    private void events(InputStream in) throws IOException {
        while (!closed) {
            Map<String, String> headers = new LinkedHashMap<>();
            int length = readHeaders(in, headers);
            if (length < 0) {
                return;
            }
            if (!"text/event-plain".equals(headers.get("Content-Type"))) {
                in.skipNBytes(length); // command replies, api/response, log/data, text/disconnect-notice...
                continue;
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("connection closed by FreeSWITCH in the middle of an event");
            }
            Map<String, String> event = eventHeaders(body);
            if ("HEARTBEAT".equals(event.get("Event-Name")) && !closed) {
                tell(() -> listener.heartbeat(event));
            }
        }
    }

    /** Sends a command and returns the Reply-Text of its command/reply, skipping whatever comes before it. */
    private static String command(InputStream in, OutputStream out, String command) throws IOException {
        out.write((command + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        Map<String, String> reply = readMessage(in, "command/reply");
        if (reply == null) {
            throw new EOFException("connection closed by FreeSWITCH in the handshake");
        }
        return reply.getOrDefault("Reply-Text", "");
    }

    /**
     * The headers of the next message of the given Content-Type, bodies skipped, those of others too; null at the
     * end of the stream. During the handshake another type is an answer of its own: FreeSWITCH sends
     * text/rude-rejection to an address its ACL refuses.
     */
    private static Map<String, String> readMessage(InputStream in, String type) throws IOException {
        while (true) {
            Map<String, String> headers = new LinkedHashMap<>();
            int length = readHeaders(in, headers);
            if (length < 0) {
                return null;
            }
            in.skipNBytes(length);
            String got = headers.get("Content-Type");
            if (type.equals(got)) {
                return headers;
            }
            if ("text/rude-rejection".equals(got)) {
                throw new EslException("refused by FreeSWITCH (text/rude-rejection: its ACL does not allow us)");
            }
            if ("auth/request".equals(type)) {
                throw new EslException("not an event socket: its first message was "
                    + (got == null ? "without Content-Type" : got));
            }
        }
    }

    /**
     * Reads one header block, up to its blank line, into {@code headers}; blank lines between messages are
     * skipped. Returns its Content-Length (0 when it has none), or -1 at the end of the stream before a message.
     */
    private static int readHeaders(InputStream in, Map<String, String> headers) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int size = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (headers.isEmpty() && line.size() == 0) {
                    return -1;
                }
                throw new EOFException("connection closed by FreeSWITCH in the middle of a message");
            }
            if (++size > MAX_HEADER_BLOCK) {
                throw new EslException("header block over " + MAX_HEADER_BLOCK / 1024 + " KiB");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
            line.reset();
            if (text.isEmpty()) {
                if (!headers.isEmpty()) {
                    return contentLength(headers.get("Content-Length"));
                }
                continue;
            }
            int colon = text.indexOf(':');
            if (colon > 0) {
                headers.put(text.substring(0, colon), text.substring(colon + 1).strip());
            }
        }
    }

    private static int contentLength(String value) throws EslException {
        if (value == null) {
            return 0;
        }
        if (!value.matches("\\d{1,9}")) {
            throw new EslException("bad Content-Length '" + value + "'");
        }
        int length = Integer.parseInt(value);
        if (length > MAX_BODY) {
            throw new EslException("body of " + length + " bytes, over " + MAX_BODY / 1024 / 1024 + " MiB");
        }
        return length;
    }

    /** The header lines of an event-plain body, up to its blank line (an event's own body may follow it). */
    private static Map<String, String> eventHeaders(byte[] body) {
        Map<String, String> event = new LinkedHashMap<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            line = line.stripTrailing();
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                event.put(line.substring(0, colon), decode(line.substring(colon + 1).strip()));
            }
        }
        return event;
    }

    /** FreeSWITCH percent-encodes '+' itself, so a literal '+' is a plus, not a space; a bad escape is kept as sent. */
    private static String decode(String value) {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    /** A listener's failure is its own: it must neither end the connection nor the thread. */
    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("FreeSWITCH {}: event socket listener failed", url, e);
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is all that was asked; there is nothing left to do with it
            }
        }
    }
}
