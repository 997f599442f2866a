package io.sipdispatch.server.e2e;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SIP message as a test peer saw it, parsed just enough for assertions: start line, header lines in
 * order, body. Deliberately independent of the project's own codec, so that the end-to-end tests do not
 * judge the proxy by the parser it uses itself.
 *
 * <p>{@link #parseTrace} reads the file SIPp writes with {@code -trace_msg -message_file}: every message
 * it sent or received, each after a line of dashes and a line such as {@code UDP message received [333]
 * bytes :}.
 */
public final class SipMessage {
    private static final Pattern TRACE_ENTRY = Pattern.compile(
        "(?m)^-{20,} ([^\\n]*)\\n(UDP|TCP|TLS|SCTP) message received \\[(\\d+)\\] bytes :\\n\\n");
    /** SIPp's time stamp on a trace entry: local time, to the microsecond. */
    private static final DateTimeFormatter TRACE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final Pattern URI_USER = Pattern.compile("sips?:([^@;>:\\s]+)@");
    private static final Pattern BRANCH = Pattern.compile("(?i);\\s*branch\\s*=\\s*([^;,\\s]+)");
    private static final Map<String, String> COMPACT = Map.ofEntries(
        Map.entry("i", "call-id"), Map.entry("f", "from"), Map.entry("t", "to"), Map.entry("v", "via"),
        Map.entry("m", "contact"), Map.entry("l", "content-length"), Map.entry("c", "content-type"),
        Map.entry("k", "supported"), Map.entry("s", "subject"), Map.entry("e", "content-encoding"),
        Map.entry("o", "event"), Map.entry("r", "refer-to"), Map.entry("u", "allow-events"),
        Map.entry("x", "session-expires"));

    private record Header(String name, String value) {
    }

    private final String transport;
    private final String raw;
    private final String startLine;
    private final List<Header> headers;
    private final String body;
    /** When SIPp received it, from its message trace; null when not read from one. */
    private Instant received;

    private SipMessage(String transport, String raw, String startLine, List<Header> headers, String body) {
        this.transport = transport;
        this.raw = raw;
        this.startLine = startLine;
        this.headers = headers;
        this.body = body;
    }

    /** Every message SIPp's message trace shows as received, in order. */
    public static List<SipMessage> parseTrace(String trace) {
        List<SipMessage> out = new ArrayList<>();
        Matcher m = TRACE_ENTRY.matcher(trace);
        int from = 0;
        while (m.find(from)) {
            int start = m.end();
            int end = Math.min(trace.length(), start + Integer.parseInt(m.group(3)));
            SipMessage msg = parse(m.group(2), trace.substring(start, end));
            try {
                msg.received = LocalDateTime.parse(m.group(1).strip(), TRACE_TIME).atZone(ZoneId.systemDefault())
                    .toInstant();
            } catch (DateTimeParseException e) {
                // a SIPp that writes another format: the time stays unknown
            }
            out.add(msg);
            from = end;
        }
        return out;
    }

    /** Parses one message; {@code transport} is only remembered. */
    public static SipMessage parse(String transport, String raw) {
        String text = raw;
        while (text.startsWith("\r\n") || text.startsWith("\n")) {
            text = text.substring(text.charAt(0) == '\r' ? 2 : 1);
        }
        int split = text.indexOf("\r\n\r\n");
        int bodyStart = split + 4;
        if (split < 0) {
            split = text.indexOf("\n\n");
            bodyStart = split + 2;
        }
        String head = split < 0 ? text : text.substring(0, split);
        String body = split < 0 ? "" : text.substring(Math.min(bodyStart, text.length()));
        String[] lines = head.split("\r?\n", -1);
        List<Header> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if ((line.startsWith(" ") || line.startsWith("\t")) && !headers.isEmpty()) {
                Header last = headers.remove(headers.size() - 1);
                headers.add(new Header(last.name(), last.value() + " " + line.strip()));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.add(new Header(COMPACT.getOrDefault(name, name), line.substring(colon + 1).strip()));
        }
        return new SipMessage(transport, raw, lines[0].strip(), List.copyOf(headers), body);
    }

    /** The transport it came over, as SIPp names it (UDP, TCP), or whatever {@link #parse} was given. */
    public String transport() {
        return transport;
    }

    /** When SIPp received it (its message trace's time stamp), or null when unknown. */
    public Instant received() {
        return received;
    }

    public String raw() {
        return raw;
    }

    public String startLine() {
        return startLine;
    }

    public String body() {
        return body;
    }

    public boolean isRequest() {
        return !startLine.startsWith("SIP/");
    }

    /** The method of a request; null for a response. */
    public String method() {
        return isRequest() ? startLine.split(" ", 2)[0] : null;
    }

    /** The Request-URI of a request; null for a response. */
    public String requestUri() {
        String[] parts = startLine.split(" +");
        return isRequest() && parts.length >= 2 ? parts[1] : null;
    }

    /** The status code of a response; 0 for a request. */
    public int statusCode() {
        if (isRequest()) {
            return 0;
        }
        String[] parts = startLine.split(" +");
        return parts.length >= 2 ? Integer.parseInt(parts[1]) : 0;
    }

    /** The value of the first header line named {@code name} (full or compact form), or null. */
    public String header(String name) {
        List<String> all = headers(name);
        return all.isEmpty() ? null : all.get(0);
    }

    /** The values of every header line named {@code name}, in order, each as written (not split at commas). */
    public List<String> headers(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        key = COMPACT.getOrDefault(key, key);
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            if (h.name().equals(key)) {
                out.add(h.value());
            }
        }
        return out;
    }

    /** The header's values, header lines and comma-separated values alike (commas in quotes or <> kept). */
    public List<String> headerValues(String name) {
        List<String> out = new ArrayList<>();
        for (String line : headers(name)) {
            int depth = 0;
            boolean quoted = false;
            int start = 0;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
                    quoted = !quoted;
                } else if (!quoted && c == '<') {
                    depth++;
                } else if (!quoted && c == '>') {
                    depth--;
                } else if (!quoted && depth == 0 && c == ',') {
                    out.add(line.substring(start, i).strip());
                    start = i + 1;
                }
            }
            out.add(line.substring(start).strip());
        }
        return out;
    }

    public String callId() {
        return header("Call-ID");
    }

    /** The method named in CSeq. */
    public String cseqMethod() {
        String cseq = header("CSeq");
        if (cseq == null) {
            return null;
        }
        String[] parts = cseq.strip().split("\\s+");
        return parts.length == 2 ? parts[1] : null;
    }

    /** The user part of the From URI, or null. */
    public String fromUser() {
        return uriUser(header("From"));
    }

    /** The user part of the first SIP URI in {@code value}, or null. */
    public static String uriUser(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = URI_USER.matcher(value);
        return m.find() ? m.group(1) : null;
    }

    /** The topmost Via value. */
    public String topVia() {
        List<String> vias = headerValues("Via");
        return vias.isEmpty() ? null : vias.get(0);
    }

    /** The branch parameter of the topmost Via, or null. */
    public String topViaBranch() {
        String via = topVia();
        if (via == null) {
            return null;
        }
        Matcher m = BRANCH.matcher(via);
        return m.find() ? m.group(1) : null;
    }

    /** Max-Forwards, or -1 when absent. */
    public int maxForwards() {
        String mf = header("Max-Forwards");
        return mf == null ? -1 : Integer.parseInt(mf.strip());
    }

    @Override
    public String toString() {
        return raw;
    }
}
