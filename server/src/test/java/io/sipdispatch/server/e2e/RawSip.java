package io.sipdispatch.server.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hand-written SIP over plain sockets, for what SIPp cannot send: malformed requests, raw bytes, and
 * requests whose Call-ID the test chooses. Loopback only.
 */
public final class RawSip {
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final Pattern CONTENT_LENGTH =
        Pattern.compile("(?im)^(?:content-length|l)[ \\t]*:[ \\t]*(\\d+)[ \\t]*\\r?$");

    private RawSip() {
    }

    /** A token unique in this JVM run, for Call-IDs, tags and branches. */
    public static String unique(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    }

    /** A request to edit header by header, then render with a correct Content-Length unless one was set. */
    public static final class Request {
        private String startLine;
        private final List<String[]> headers = new ArrayList<>();
        private String body = "";

        private Request(String startLine) {
            this.startLine = startLine;
        }

        /**
         * A well-formed out-of-dialog request from {@code sentBy} ({@code host:port}) over {@code transport}:
         * Via with a fresh branch and rport, Max-Forwards 70, From with a tag, To, Call-ID, CSeq 1.
         */
        public static Request of(String method, String requestUri, Transport transport, String sentBy, String callId) {
            Request r = new Request(method + " " + requestUri + " SIP/2.0");
            r.set("Via", "SIP/2.0/" + transport.name() + " " + sentBy + ";branch=z9hG4bK" + unique("e2e") + ";rport");
            r.set("Max-Forwards", "70");
            r.set("From", "<sip:e2e@" + sentBy + ">;tag=" + unique("t"));
            r.set("To", "<" + requestUri + ">");
            r.set("Call-ID", callId);
            r.set("CSeq", "1 " + method);
            return r;
        }

        public Request startLine(String line) {
            this.startLine = line;
            return this;
        }

        /** Replaces the first header line of that name, or appends one. */
        public Request set(String name, String value) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    h[1] = value;
                    return this;
                }
            }
            headers.add(new String[] {name, value});
            return this;
        }

        /** Appends a header line even when one of that name exists. */
        public Request add(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        public Request remove(String name) {
            headers.removeIf(h -> h[0].equalsIgnoreCase(name));
            return this;
        }

        public Request body(String body) {
            this.body = body;
            return this;
        }

        /** The request as sent: CRLF line ends, Content-Length added when absent. */
        public String render() {
            StringBuilder sb = new StringBuilder(startLine).append("\r\n");
            boolean hasLength = false;
            for (String[] h : headers) {
                sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
                hasLength |= h[0].equalsIgnoreCase("Content-Length") || h[0].equals("l");
            }
            if (!hasLength) {
                sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
            }
            return sb.append("\r\n").append(body).toString();
        }

        @Override
        public String toString() {
            return render();
        }
    }

    /** A UDP socket on the loopback address of one family. */
    public static final class Udp implements AutoCloseable {
        private final IpFamily family;
        private final DatagramSocket socket;

        public Udp(IpFamily family) throws IOException {
            this.family = family;
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(family.address()), 0));
        }

        /** This socket's address as it goes into a Via: {@code 127.0.0.1:port} or {@code [::1]:port}. */
        public String sentBy() {
            return family.hostPort(socket.getLocalPort());
        }

        public void send(String text, int port) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8), port);
        }

        public void send(byte[] bytes, int port) throws IOException {
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName(family.address()), port));
        }

        /** The next datagram, or empty when none comes within {@code timeout}. */
        public Optional<SipMessage> receive(Duration timeout) throws IOException {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            return Optional.of(SipMessage.parse("UDP", new String(buf, 0, p.getLength(), StandardCharsets.UTF_8)));
        }

        /** Sends {@code request} and returns the first final response (or any response if none final) to its Call-ID. */
        public Optional<SipMessage> exchange(Request request, int port, Duration timeout) throws IOException {
            String text = request.render();
            String callId = SipMessage.parse("UDP", text).callId();
            send(text, port);
            long deadline = System.nanoTime() + timeout.toNanos();
            SipMessage provisional = null;
            while (System.nanoTime() < deadline) {
                Optional<SipMessage> m = receive(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
                if (m.isEmpty()) {
                    break;
                }
                SipMessage r = m.get();
                if (!r.isRequest() && (callId == null || callId.equals(r.callId()))) {
                    if (r.statusCode() >= 200) {
                        return Optional.of(r);
                    }
                    provisional = r;
                }
            }
            return Optional.ofNullable(provisional);
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** What reading a TCP connection gave. */
    public record TcpRead(SipMessage message, boolean closed, boolean timedOut) {
    }

    /** A TCP connection to a loopback port. */
    public static final class Tcp implements AutoCloseable {
        private final IpFamily family;
        private final Socket socket;
        private final InputStream in;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        public Tcp(IpFamily family, int port, Duration connectTimeout) throws IOException {
            this.family = family;
            this.socket = new Socket();
            socket.connect(new InetSocketAddress(InetAddress.getByName(family.address()), port),
                (int) connectTimeout.toMillis());
            this.in = socket.getInputStream();
        }

        public String sentBy() {
            return family.hostPort(socket.getLocalPort());
        }

        public void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8));
        }

        public void send(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }

        /**
         * The next whole message (framed by Content-Length), or that the peer closed or reset the connection,
         * or that nothing whole came within {@code timeout}.
         */
        public TcpRead read(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] buf = new byte[8192];
            while (true) {
                Optional<String> whole = takeMessage();
                if (whole.isPresent()) {
                    return new TcpRead(SipMessage.parse("TCP", whole.get()), false, false);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new TcpRead(null, false, true);
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    return new TcpRead(null, false, true);
                } catch (SocketException e) {
                    // Connection reset: the peer closed without reading everything we sent.
                    return new TcpRead(null, true, false);
                }
                if (n < 0) {
                    return new TcpRead(null, true, false);
                }
                pending.write(buf, 0, n);
            }
        }

        private Optional<String> takeMessage() {
            String text = pending.toString(StandardCharsets.ISO_8859_1);
            // Keep-alive CRLFs between messages.
            int skip = 0;
            while (text.startsWith("\r\n", skip)) {
                skip += 2;
            }
            int end = text.indexOf("\r\n\r\n", skip);
            if (end < 0) {
                return Optional.empty();
            }
            String head = text.substring(skip, end);
            Matcher m = CONTENT_LENGTH.matcher(head);
            int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
            int total = end + 4 + length;
            if (text.length() < total) {
                return Optional.empty();
            }
            byte[] all = pending.toByteArray();
            pending.reset();
            pending.write(all, total, all.length - total);
            return Optional.of(new String(all, skip, total - skip, StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

}
