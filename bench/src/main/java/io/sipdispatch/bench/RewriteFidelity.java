package io.sipdispatch.bench;

import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParser;
import io.sipdispatch.sip.Via;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the proxy rewrite of each codec benchmark ({@link SipdispatchCodecBench}, {@link JainSipCodecBench},
 * {@link PktsCodecBench}) once over {@link Messages#INVITE} and {@link Messages#INVITE_ODD} and prints
 * whether the output keeps every original header line byte-identical (Max-Forwards aside, which the
 * rewrite changes), in the original order, with the start line and body unchanged. The "vias" column
 * re-parses the output and checks that its Via branches read, top first, the proxy's own and then the
 * original ones in their original order (RFC 3261 §16.6 step 8); a wrong order misroutes the responses.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.sipdispatch.bench.RewriteFidelity [-v]</pre>
 *
 * With {@code -v} it also prints every original line an output lost and every line it has instead.
 */
public final class RewriteFidelity {

    interface Rewrite {
        byte[] apply(byte[] msg) throws Exception;
    }

    private RewriteFidelity() {
    }

    public static void main(String[] args) throws Exception {
        boolean verbose = Arrays.asList(args).contains("-v");
        SipParser parser = new SipParser();
        JainSipCodecBench jain = new JainSipCodecBench();
        Map<String, Rewrite> libs = new LinkedHashMap<>();
        libs.put("sipdispatch", msg -> SipdispatchCodecBench.rewrite(parser, msg));
        libs.put("JAIN-SIP RI 1.3.0-91", jain::rewrite);
        libs.put("pkts-sip 3.0.18", PktsCodecBench::rewrite);

        Map<String, byte[]> messages = new LinkedHashMap<>();
        messages.put("INVITE (canonical names)", Messages.INVITE);
        messages.put("INVITE_ODD (compact forms, odd spacing)", Messages.INVITE_ODD);

        List<String> details = new ArrayList<>();
        for (Map.Entry<String, byte[]> msg : messages.entrySet()) {
            Parts in = Parts.of(msg.getValue());
            List<String> kept = new ArrayList<>(in.headers);
            kept.removeIf(RewriteFidelity::isMaxForwards);
            System.out.printf("%s: %d bytes, %d header lines (%d without Max-Forwards)%n", msg.getKey(),
                msg.getValue().length, in.headers.size(), kept.size());
            List<String> vias = new ArrayList<>();
            vias.add(Messages.PROXY_BRANCH);
            vias.addAll(branches(parser, msg.getValue()));
            System.out.printf("  %-22s %-11s %-7s %-10s %-6s %-6s %-7s %s%n", "library", "lines kept", "order",
                "start line", "body", "vias", "bytes", "all byte-identical");
            for (Map.Entry<String, Rewrite> lib : libs.entrySet()) {
                byte[] out;
                try {
                    out = lib.getValue().apply(msg.getValue());
                } catch (Exception e) {
                    System.out.printf("  %-22s failed: %s%n", lib.getKey(), e);
                    continue;
                }
                Parts o = Parts.of(out);
                List<String> remaining = new ArrayList<>(o.headers);
                List<String> lost = new ArrayList<>();
                int found = 0;
                for (String line : kept) {
                    if (remaining.remove(line)) {
                        found++;
                    } else {
                        lost.add(line);
                    }
                }
                boolean order = inOrder(kept, o.headers);
                boolean startLine = in.startLine.equals(o.startLine);
                boolean body = in.body.equals(o.body);
                boolean viaOrder;
                try {
                    viaOrder = vias.equals(branches(parser, out));
                } catch (Exception e) {
                    viaOrder = false;
                    details.add(lib.getKey() + " on " + msg.getKey() + ": output does not re-parse: " + e);
                }
                boolean all = found == kept.size() && order && startLine && body;
                System.out.printf("  %-22s %-11s %-7s %-10s %-6s %-6s %-7d %s%n", lib.getKey(),
                    found + "/" + kept.size(), yes(order), yes(startLine), yes(body), yes(viaOrder), out.length,
                    yes(all));
                if (verbose && (!lost.isEmpty() || !startLine || !body)) {
                    details.add(lib.getKey() + " on " + msg.getKey() + ":");
                    if (!startLine) {
                        details.add("  - " + in.startLine);
                        details.add("  + " + o.startLine);
                    }
                    lost.forEach(l -> details.add("  - " + l));
                    remaining.forEach(l -> details.add("  + " + l));
                    if (!body) {
                        details.add("  body differs");
                    }
                }
            }
            System.out.println();
        }
        details.forEach(System.out::println);
    }

    /** The branch of every Via value, top first, as sipdispatch reads them. */
    private static List<String> branches(SipParser parser, byte[] msg) throws Exception {
        SipMessage m = parser.parseDatagram(msg, 0, msg.length);
        List<String> out = new ArrayList<>();
        for (Via v : m.vias()) {
            out.add(v.branch());
        }
        return out;
    }

    private static boolean isMaxForwards(String line) {
        int colon = line.indexOf(':');
        return colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Max-Forwards");
    }

    /** Whether the lines of {@code expected} that occur in {@code actual} occur there in the same order. */
    private static boolean inOrder(List<String> expected, List<String> actual) {
        int at = -1;
        for (String line : expected) {
            int i = actual.indexOf(line);
            if (i < 0) {
                continue;
            }
            if (i < at) {
                return false;
            }
            at = i;
        }
        return true;
    }

    private static String yes(boolean b) {
        return b ? "yes" : "NO";
    }

    /** A message split into start line, header lines (as written, without CRLF) and body. */
    private record Parts(String startLine, List<String> headers, String body) {
        static Parts of(byte[] msg) {
            String s = new String(msg, StandardCharsets.UTF_8);
            int blank = s.indexOf("\r\n\r\n");
            String head = blank < 0 ? s : s.substring(0, blank);
            String body = blank < 0 ? "" : s.substring(blank + 4);
            List<String> lines = new ArrayList<>(Arrays.asList(head.split("\r\n", -1)));
            String start = lines.remove(0);
            return new Parts(start, lines, body);
        }
    }
}
