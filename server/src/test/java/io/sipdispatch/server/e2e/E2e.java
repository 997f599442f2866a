package io.sipdispatch.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** What the proxy tests share: the listen block, and views of what the backends received. */
final class E2e {
    /** Backends live at most this long (SIPp -timeout); each test class stops them in @AfterAll anyway. */
    static final java.time.Duration BACKEND_LIFETIME = java.time.Duration.ofSeconds(300);

    private E2e() {
    }

    /** A {@code listen:} block: UDP and TCP on 127.0.0.1 and [::1], all on {@code port}. */
    static String listenEverywhere(int port) {
        return "listen:\n"
            + "  - udp:127.0.0.1:" + port + "\n"
            + "  - tcp:127.0.0.1:" + port + "\n"
            + "  - udp:[::1]:" + port + "\n"
            + "  - tcp:[::1]:" + port + "\n";
    }

    /** A dispatcher.list line: {@code setid uri flags priority attrs}. */
    static String listLine(int set, Sipp.Backend b, int priority, String attrs) {
        return set + " " + b.uri() + " 0 " + priority + " " + attrs + "\n";
    }

    /** For each Call-ID of {@code run}, the names of the backends that received any request of it. */
    static Map<String, Set<String>> backendsByCallId(Sipp.Result run, Collection<Sipp.Backend> backends) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Sipp.Backend b : backends) {
            for (SipMessage m : b.requestsOf(run)) {
                out.computeIfAbsent(m.callId(), k -> new TreeSet<>()).add(b.name());
            }
        }
        return out;
    }

    /** For each backend, how many calls of {@code run} it received (distinct Call-IDs of INVITEs). */
    static Map<String, Integer> invitesPerBackend(Sipp.Result run, Collection<Sipp.Backend> backends) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Sipp.Backend b : backends) {
            out.put(b.name(), b.callIds(run, "INVITE").size());
        }
        return out;
    }

    /** For each backend, the From users of the INVITEs of {@code runs} it received. */
    static Map<String, Set<String>> backendsByFromUser(Collection<Sipp.Backend> backends, Sipp.Result... runs) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Sipp.Backend b : backends) {
            for (Sipp.Result run : runs) {
                for (SipMessage m : b.requestsOf(run)) {
                    if ("INVITE".equals(m.method())) {
                        out.computeIfAbsent(m.fromUser(), k -> new TreeSet<>()).add(b.name());
                    }
                }
            }
        }
        return out;
    }

    /**
     * Asserts that every call of {@code run} was seen by exactly one backend, which received its INVITE, ACK
     * and BYE, and that there were {@code calls} of them.
     */
    static void assertEachCallStayedOnOneBackend(Sipp.Result run, List<Sipp.Backend> backends, int calls) {
        Map<String, Set<String>> where = backendsByCallId(run, backends);
        assertThat(where).as("Call-IDs of %s at the backends\n%s", run.name(), diagnostics(backends)).hasSize(calls);
        assertThat(where).allSatisfy((callId, names) ->
            assertThat(names).as("backends that saw call %s", callId).hasSize(1));
        for (Sipp.Backend b : backends) {
            List<String> invites = b.callIds(run, "INVITE");
            assertThat(b.callIds(run, "ACK")).as("ACKs at %s", b.name()).containsExactlyInAnyOrderElementsOf(invites);
            assertThat(b.callIds(run, "BYE")).as("BYEs at %s", b.name()).containsExactlyInAnyOrderElementsOf(invites);
        }
    }

    /** The names of the backends that received at least one INVITE of {@code run}. */
    static Set<String> backendsUsed(Sipp.Result run, Collection<Sipp.Backend> backends) {
        return invitesPerBackend(run, backends).entrySet().stream().filter(e -> e.getValue() > 0)
            .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
    }

    static String diagnostics(Collection<Sipp.Backend> backends) {
        return backends.stream().map(Sipp.Backend::diagnostics).collect(Collectors.joining("\n"));
    }
}
