package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dispatch algorithms, end to end: one set of three UDP backends, one route per algorithm, chosen by
 * the Request-URI user ({@code alg4} for round-robin, ...), and SIPp calls through sipdispatch.
 *
 * <p>Set order is fixed by the priority column (b1 3, b2 2, b3 1: highest first). Weights are b1 1, b2 2,
 * b3 3 ({@code weight}, for algorithm 9 and the weighted rendezvous hash) and b1 3, b2 2, b3 1
 * ({@code rweight}, algorithm 11), so that an algorithm reading the wrong attribute shows.
 *
 * <p>Hashing is tested with what the algorithm alone decides: out-of-dialog requests that share a key
 * (OPTIONS repeating one Call-ID, calls repeating one From user from another source port). The in-dialog
 * ACK and BYE of a call follow its Record-Route whatever the algorithm, so their stickiness is checked too
 * but proves less.
 */
class AlgorithmsIT {
    @TempDir
    static Path dir;

    static int port;
    static SipdispatchProcess proxy;
    static Sipp.Backend b1;
    static Sipp.Backend b2;
    static Sipp.Backend b3;
    static List<Sipp.Backend> set;

    static final String ROUTES = """
        routes:
          - name: alg0
            match: { ruri_user: '^alg0(-.*)?$' }
            dispatch: { set: 1, algorithm: 0 }
          - name: alg1u
            match: { ruri_user: '^alg1u(-.*)?$' }
            dispatch: { set: 1, algorithm: 1, flags: u }
          - name: alg4
            match: { ruri_user: '^alg4(-.*)?$' }
            dispatch: { set: 1, algorithm: 4 }
          - name: alg6
            match: { ruri_user: '^alg6(-.*)?$' }
            dispatch: { set: 1, algorithm: 6 }
          - name: alg7
            match: { ruri_user: '^alg7(-.*)?$' }
            dispatch: { set: 1, algorithm: 7, key: '$fU@$ci' }
          - name: alg7fu
            match: { ruri_user: '^alg7fu(-.*)?$' }
            dispatch: { set: 1, algorithm: hash-key, key: '$fU' }
          - name: alg8
            match: { ruri_user: '^alg8(-.*)?$' }
            dispatch: { set: 1, algorithm: 8 }
          - name: alg9
            match: { ruri_user: '^alg9(-.*)?$' }
            dispatch: { set: 1, algorithm: 9 }
          - name: alg11
            match: { ruri_user: '^alg11(-.*)?$' }
            dispatch: { set: 1, algorithm: relative-weight }
          - name: alg2
            match: { ruri_user: '^alg2(-.*)?$' }
            dispatch: { set: 1, algorithm: 2 }
          - name: alg3
            match: { ruri_user: '^alg3(-.*)?$' }
            dispatch: { set: 1, algorithm: 3 }
          - name: alg5
            match: { ruri_user: '^alg5(-.*)?$' }
            dispatch: { set: 1, algorithm: 5 }
          - name: alg10
            match: { ruri_user: '^alg10(-.*)?$' }
            dispatch: { set: 1, algorithm: 10 }
          - name: alg13
            match: { ruri_user: '^alg13(-.*)?$' }
            dispatch: { set: 1, algorithm: 13 }
          - name: alg14
            match: { ruri_user: '^alg14(-.*)?$' }
            dispatch: { set: 1, algorithm: 14 }
          - name: alg15
            match: { ruri_user: '^alg15(-.*)?$' }
            dispatch: { set: 1, algorithm: 15 }
          - name: alg64
            match: { ruri_user: '^alg64(-.*)?$' }
            dispatch: { set: 1, algorithm: 64 }
          - name: deny
            reply: { code: 403, reason: Forbidden }
        """;

    @BeforeAll
    static void start() {
        port = FreePorts.udpAndTcp();
        b1 = Sipp.backend(dir, "b1", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        b2 = Sipp.backend(dir, "b2", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        b3 = Sipp.backend(dir, "b3", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        set = List.of(b1, b2, b3);
        proxy = SipdispatchProcess.start(dir.resolve("rendezvous"), config(port, "rendezvous"), dispatcherList());
    }

    static String config(int port, String hashMode) {
        return E2e.listenEverywhere(port) + """
            compliance: strict
            record_route: true
            mode: stateless
            dispatcher:
              list_file: dispatcher.list
              hash: %s
            """.formatted(hashMode) + ROUTES;
    }

    static String dispatcherList() {
        return "# setid destination flags priority attrs\n"
            + E2e.listLine(1, b1, 3, "duid=b1;weight=1;rweight=3")
            + E2e.listLine(1, b2, 2, "duid=b2;weight=2;rweight=2")
            + E2e.listLine(1, b3, 1, "duid=b3;weight=3;rweight=1");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        for (Sipp.Backend b : new Sipp.Backend[] {b1, b2, b3}) {
            if (b != null) {
                b.close();
            }
        }
    }

    private static Sipp.Result calls(String service, int calls, String... fromUsers) {
        return calls(port, service, calls, fromUsers);
    }

    private static Sipp.Result calls(int proxyPort, String service, int calls, String... fromUsers) {
        Sipp.Uac uac = Sipp.uac("uac_call.xml").target(IPV4, proxyPort).service(service).calls(calls).rate(30);
        if (fromUsers.length > 0) {
            uac.fromUsers(fromUsers);
        }
        Sipp.Result run = uac.run(dir);
        assertThat(run.failed()).as("failed calls\n%s", context(run)).isZero();
        assertThat(run.successful()).as("successful calls\n%s", context(run)).isEqualTo(calls);
        return run;
    }

    private static String context(Sipp.Result run) {
        return run + "\n" + E2e.diagnostics(set) + "\n" + proxy.describe();
    }

    private static Map<String, Integer> spread(Sipp.Result run) {
        return E2e.invitesPerBackend(run, set);
    }

    @Test
    void roundRobinSpreadsCallsExactlyEvenly() {
        Sipp.Result run = calls("alg4", 60);

        assertThat(spread(run)).as("INVITEs per backend").containsExactlyInAnyOrderEntriesOf(
            Map.of("b1", 20, "b2", 20, "b3", 20));
        E2e.assertEachCallStayedOnOneBackend(run, set, 60);
    }

    @Test
    void weightSharesCallsByTheWeightAttribute() {
        Sipp.Result run = calls("alg9", 60);

        assertThat(spread(run)).as("INVITEs per backend, weights 1:2:3").containsExactlyInAnyOrderEntriesOf(
            Map.of("b1", 10, "b2", 20, "b3", 30));
        E2e.assertEachCallStayedOnOneBackend(run, set, 60);
    }

    @Test
    void relativeWeightSharesCallsByTheRweightAttribute() {
        Sipp.Result run = calls("alg11", 60);

        assertThat(spread(run)).as("INVITEs per backend, rweights 3:2:1").containsExactlyInAnyOrderEntriesOf(
            Map.of("b1", 30, "b2", 20, "b3", 10));
        E2e.assertEachCallStayedOnOneBackend(run, set, 60);
    }

    @Test
    void prioritySendsEveryCallToTheFirstDestination() {
        Sipp.Result run = calls("alg8", 20);

        assertThat(spread(run)).as("INVITEs per backend").containsExactlyInAnyOrderEntriesOf(
            Map.of("b1", 20, "b2", 0, "b3", 0));
        E2e.assertEachCallStayedOnOneBackend(run, set, 20);
    }

    @Test
    void randomUsesMoreThanOneDestination() {
        Sipp.Result run = calls("alg6", 30);

        assertThat(E2e.backendsUsed(run, set)).as("backends used by 30 random calls").hasSizeGreaterThan(1);
        assertThat(spread(run).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
        E2e.assertEachCallStayedOnOneBackend(run, set, 30);
    }

    @Test
    void callIdHashKeepsEachCallOnOneBackendAndSpreadsCallsOverAll() throws IOException {
        Sipp.Result run = calls("alg0", 60);

        E2e.assertEachCallStayedOnOneBackend(run, set, 60);
        assertThat(E2e.backendsUsed(run, set)).as("backends used by 60 calls").containsExactly("b1", "b2", "b3");
        assertRequestsSharingAKeyShareABackend(port, "alg0", false);
    }

    @Test
    void hashKeyOverFromUserAndCallIdKeepsEachKeyOnOneBackend() throws IOException {
        Sipp.Result run = calls("alg7", 45, "ann", "ben", "cid");

        E2e.assertEachCallStayedOnOneBackend(run, set, 45);
        assertThat(E2e.backendsUsed(run, set)).as("backends used by 45 calls").hasSizeGreaterThan(1);
        assertRequestsSharingAKeyShareABackend(port, "alg7", true);
    }

    /**
     * From-user stickiness: every call from one From user goes to one backend, also from another source port
     * (the From URI's host:port changes with it; flag u and {@code $fU} hash the user part alone), while the
     * users spread over the backends.
     */
    @ParameterizedTest
    @ValueSource(strings = {"alg1u", "alg7fu"})
    void fromUserHashSendsEveryCallOfAUserToOneBackend(String service) {
        assertFromUserStickiness(port, service);
    }

    /** Every call of the run has the same To URI and Request-URI: a To or R-URI hash keeps them all together. */
    @ParameterizedTest
    @ValueSource(strings = {"alg2", "alg3"})
    void toUriAndRequestUriHashesKeepCallsToOneAddressOnOneBackend(String service) {
        Sipp.Result run = calls(service, 20);

        assertThat(E2e.backendsUsed(run, set)).as("backends used by 20 calls to one address (%s)", service).hasSize(1);
        E2e.assertEachCallStayedOnOneBackend(run, set, 20);
    }

    @Test
    void authUserHashWithoutCredentialsFallsBackToRoundRobin() {
        Sipp.Result run = calls("alg5", 60);

        assertThat(spread(run)).as("INVITEs per backend").containsExactlyInAnyOrderEntriesOf(
            Map.of("b1", 20, "b2", 20, "b3", 20));
    }

    @Test
    void roundRobinOrSerialGoesSeriallyWhenPrioritiesDiffer() {
        Sipp.Result run = calls("alg14", 20);

        assertThat(spread(run)).as("INVITEs per backend, priorities 3 2 1").containsExactlyInAnyOrderEntriesOf(
            Map.of("b1", 20, "b2", 0, "b3", 0));
    }

    @Test
    void srvStylePriorityWeightPrefersTheLowestPriorityValue() {
        Sipp.Result run = calls("alg15", 20);

        assertThat(spread(run)).as("INVITEs per backend, priorities 3 2 1").containsExactlyInAnyOrderEntriesOf(
            Map.of("b1", 0, "b2", 0, "b3", 20));
    }

    @Test
    void roundRobinWithOverloadControlIsPlainRoundRobinWhileNoneIsOverloaded() {
        Sipp.Result run = calls("alg64", 60);

        assertThat(spread(run)).as("INVITEs per backend").containsExactlyInAnyOrderEntriesOf(
            Map.of("b1", 20, "b2", 20, "b3", 20));
    }

    /**
     * Call load and latency with nothing counted or measured yet (a stateless server counts no calls; no
     * probing runs): equal loads keep set order, and with latency unknown the highest priority wins.
     */
    @ParameterizedTest
    @ValueSource(strings = {"alg10", "alg13"})
    void callLoadAndLatencyWithNothingMeasuredChooseTheFirstDestination(String service) {
        Sipp.Result run = calls(service, 15);

        assertThat(spread(run)).as("INVITEs per backend (%s)", service).containsExactlyInAnyOrderEntriesOf(
            Map.of("b1", 15, "b2", 0, "b3", 0));
    }

    @Test
    void moduloHashModeIsStickyToo() throws IOException {
        int modPort = FreePorts.udpAndTcp();
        try (SipdispatchProcess modulo = SipdispatchProcess.start(dir.resolve("modulo"), config(modPort, "modulo"),
                dispatcherList())) {
            Sipp.Result run = calls(modPort, "alg0", 30);
            E2e.assertEachCallStayedOnOneBackend(run, set, 30);

            assertRequestsSharingAKeyShareABackend(modPort, "alg0", false);
            assertFromUserStickiness(modPort, "alg1u");
            assertThat(modulo.isAlive()).isTrue();
        }
    }

    private static void assertFromUserStickiness(int proxyPort, String service) {
        String[] users = IntStream.rangeClosed(1, 16).mapToObj(i -> String.format("user%02d", i)).toArray(String[]::new);
        Sipp.Result first = calls(proxyPort, service, 32, users);
        Sipp.Result second = calls(proxyPort, service, 16, users);

        Map<String, Set<String>> byUser = E2e.backendsByFromUser(set, first, second);
        assertThat(byUser).as("From users seen at the backends").containsOnlyKeys(users);
        assertThat(byUser).as("backends per From user (%s)", service).allSatisfy((user, backends) ->
            assertThat(backends).as("backends that got calls from %s", user).hasSize(1));
        Set<String> used = new TreeSet<>();
        byUser.values().forEach(used::addAll);
        assertThat(used).as("backends used by 16 From users").hasSizeGreaterThan(1);
    }

    /**
     * Sends 20 groups of 3 OPTIONS through {@code service}: the OPTIONS of a group share Call-ID and From
     * user (new transaction each: new branch and CSeq), the groups differ. Each group must land on one
     * backend, and the groups on more than one. The backends answer only the first OPTIONS of a Call-ID
     * (SIPp ignores the others as a finished call), so this goes by what the backends received.
     */
    private static void assertRequestsSharingAKeyShareABackend(int proxyPort, String service, boolean varyFromUser)
            throws IOException {
        String group = RawSip.unique("e2e-key-" + service);
        List<String> callIds = new ArrayList<>();
        try (RawSip.Udp udp = new RawSip.Udp(IPV4)) {
            for (int g = 0; g < 20; g++) {
                String callId = group + "-" + g + "@127.0.0.1";
                callIds.add(callId);
                String fromUser = varyFromUser ? "u" + (g % 4) : "same";
                for (int i = 1; i <= 3; i++) {
                    RawSip.Request options = RawSip.Request.of("OPTIONS", "sip:" + service + "@" + IPV4.hostPort(proxyPort),
                            UDP, udp.sentBy(), callId)
                        .set("From", "<sip:" + fromUser + "@" + udp.sentBy() + ">;tag=" + RawSip.unique("t"))
                        .set("CSeq", i + " OPTIONS");
                    udp.send(options.render(), proxyPort);
                }
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
            set.stream().mapToLong(b -> b.requests(m -> m.callId() != null && m.callId().startsWith(group)).size()).sum())
            .as("OPTIONS received by the backends\n%s", proxy.describe()).isEqualTo(60));

        Map<String, Set<String>> where = new TreeMap<>();
        for (Sipp.Backend b : set) {
            for (SipMessage m : b.requests(m -> m.callId() != null && m.callId().startsWith(group))) {
                where.computeIfAbsent(m.callId(), k -> new TreeSet<>()).add(b.name());
            }
        }
        assertThat(where).containsOnlyKeys(callIds);
        assertThat(where).as("backends per key (%s)", service).allSatisfy((callId, backends) ->
            assertThat(backends).as("backends that got OPTIONS of %s", callId).hasSize(1));
        Set<String> used = new TreeSet<>();
        where.values().forEach(used::addAll);
        assertThat(used).as("backends used by 20 keys").hasSizeGreaterThan(1);
    }
}
