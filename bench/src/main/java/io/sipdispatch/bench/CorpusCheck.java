package io.sipdispatch.bench;

import io.sipdispatch.sip.ComplianceMode;
import io.sipdispatch.sip.SipLimits;
import io.sipdispatch.sip.SipMessage;
import io.sipdispatch.sip.SipParseException;
import io.sipdispatch.sip.SipParser;
import io.sipdispatch.sip.SipValidator;
import io.sipdispatch.sip.SipValidator.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs the codec over the RFC 4475 and RFC 5118 torture messages as a strict stateless proxy would meet
 * them in a UDP datagram, and compares the outcome (forward, a status code, or drop) with what the corpus
 * index names for a proxy.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.sipdispatch.bench.CorpusCheck ../shared/corpus</pre>
 *
 * A response is dropped unless its top Via is the proxy's own; none in the corpus is, so every response
 * that parses is dropped. A request that passes the checks is forwarded: the tool also rewrites it (push
 * Via and Record-Route, decrement Max-Forwards) and checks that the output re-parses and that the
 * datagram's trailing bytes are gone. Exit status 1 when any message gets another outcome.
 */
public final class CorpusCheck {

    /** Acceptable outcomes per file, from the corpus INDEX.md ("fwd", a status code, or "drop"). */
    static final Map<String, Set<String>> EXPECTED = new TreeMap<>();

    static {
        for (String f : List.of("wsinv", "esc01", "escnull", "lwsdisp", "longreq", "dblreq", "semiuri",
            "transports", "mpart01", "cparam01", "cparam02", "regescrt", "regaut01", "unksm2", "invut", "sdp01",
            "inv2543", "baddate")) {
            EXPECTED.put("rfc4475/" + f, Set.of("fwd"));
        }
        EXPECTED.put("rfc4475/intmeth", Set.of("fwd", "404"));
        EXPECTED.put("rfc4475/esc02", Set.of("fwd", "404"));
        EXPECTED.put("rfc4475/zeromf", Set.of("483"));
        EXPECTED.put("rfc4475/unkscm", Set.of("416"));
        EXPECTED.put("rfc4475/novelsc", Set.of("416", "404"));
        EXPECTED.put("rfc4475/bext01", Set.of("420"));
        for (String f : List.of("badinv01", "clerr", "ncl", "scalar02", "quotbal", "ltgtruri", "lwsruri",
            "lwsstart", "trws", "escruri", "regbadct", "badaspec", "baddn", "mismatch01", "insuf", "multi01",
            "mcl01")) {
            EXPECTED.put("rfc4475/" + f, Set.of("400"));
        }
        // No Via and no CSeq: nothing to address an answer to, so a drop is what remains.
        EXPECTED.put("rfc4475/test", Set.of("400", "drop"));
        EXPECTED.put("rfc4475/badbranch", Set.of("400", "fwd"));
        EXPECTED.put("rfc4475/mismatch02", Set.of("501", "400"));
        EXPECTED.put("rfc4475/badvers", Set.of("505"));
        for (String f : List.of("scalarlg", "bigcode", "bcast", "unreason", "noreason")) {
            EXPECTED.put("rfc4475/" + f, Set.of("drop"));
        }
        for (String f : List.of("ipv6-good", "port-ambiguous", "port-unambiguous", "via-received-param-with-delim",
            "via-received-param-no-delim", "ipv6-in-sdp", "mult-ip-in-header", "mult-ip-in-sdp", "ipv4-mapped-ipv6",
            "ipv6-bug-abnf-3-colons", "ipv6-correct-abnf-2-colons")) {
            EXPECTED.put("rfc5118/" + f, Set.of("fwd"));
        }
        EXPECTED.put("rfc5118/ipv6-bad", Set.of("400"));
    }

    private CorpusCheck() {
    }

    public static void main(String[] args) throws IOException {
        Path corpus = Path.of(args.length > 0 ? args[0] : "../shared/corpus");
        SipParser parser = new SipParser(SipLimits.DEFAULT);
        SipValidator validator = SipValidator.forProxy(ComplianceMode.STRICT, SipLimits.DEFAULT);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Set<String>> e : EXPECTED.entrySet()) {
            String name = e.getKey();
            Path file = name.startsWith("rfc5118/")
                ? corpus.resolve("rfc5118/wire-crlf/" + name.substring(8) + ".dat")
                : corpus.resolve(name + ".dat");
            byte[] bytes = Files.readAllBytes(file);
            String outcome = outcome(parser, validator, bytes);
            boolean ok = e.getValue().contains(outcome.split(" ")[0]);
            checked++;
            System.out.printf("%-4s %-45s %-28s expected %s%n", ok ? "ok" : "FAIL", name, outcome, e.getValue());
            if (!ok) {
                failures.add(name);
            }
        }
        int filesOnDisk;
        try (var s = Files.list(corpus.resolve("rfc4475"))) {
            filesOnDisk = (int) s.filter(p -> p.toString().endsWith(".dat")).count();
        }
        try (var s = Files.list(corpus.resolve("rfc5118/wire-crlf"))) {
            filesOnDisk += (int) s.count();
        }
        System.out.printf("%d passed, %d failed (%d files in the corpus)%n", checked - failures.size(), failures.size(),
            filesOnDisk);
        if (!failures.isEmpty() || filesOnDisk != checked) {
            System.exit(1);
        }
    }

    /** "fwd", "drop" or the status code, with the violation's name after a space. */
    static String outcome(SipParser parser, SipValidator validator, byte[] datagram) {
        SipMessage m;
        try {
            m = parser.parseDatagram(datagram, 0, datagram.length);
        } catch (SipParseException e) {
            Verdict v = SipValidator.of(e);
            return (v.drop() ? "drop" : Integer.toString(v.statusCode())) + " " + v.violation();
        }
        Verdict v = validator.validate(m);
        if (!v.ok()) {
            return (v.drop() ? "drop" : Integer.toString(v.statusCode())) + " " + v.violation();
        }
        if (m.isResponse()) {
            return "drop not-our-via";
        }
        try {
            byte[] out = m.edit()
                .pushVia("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-check")
                .pushRecordRoute("sip:127.0.0.1:5060;lr")
                .decrementMaxForwards()
                .toBytes();
            SipMessage fwd = parser.parseDatagram(out, 0, out.length);
            if (fwd.length() != out.length || fwd.bodyLength() != m.bodyLength()) {
                return "broken-rewrite";
            }
            return "fwd";
        } catch (SipParseException e) {
            return "broken-rewrite " + e.violation();
        }
    }
}
