package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipdispatch.server.Main;
import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management API against a running server with two real SIPp backends: every command over HTTP
 * JSON-RPC, its effect on calls from SIPp, the errors a person reads, the CLI, the metrics (parsed by
 * Prometheus's own parser) and the credentials a non-loopback bind needs.
 */
class ManagementIT {
    @TempDir
    static Path dir;

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Sipp.Backend b1;
    static Sipp.Backend b2;
    static SipdispatchServer server;
    static int port;
    static String rpc;

    @BeforeAll
    static void start() throws Exception {
        b1 = Sipp.backend(dir, "b1", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        b2 = Sipp.backend(dir, "b2", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        port = FreePorts.udpAndTcp();
        Files.writeString(dir.resolve("dispatcher.list"), E2e.listLine(1, b1, 0, "duid=b1")
            + E2e.listLine(1, b2, 0, "duid=b2"));
        Path config = dir.resolve("sipdispatch.yaml");
        Files.writeString(config, E2e.listenEverywhere(port) + """
            dispatcher:
              list_file: dispatcher.list
              reload_delta: 0s
              probing: { interval: 300ms, mode: all }
            events: { history: 100 }
            management: { listen: '127.0.0.1:0' }
            routes:
              - name: nine
                match: { ruri_user: '^nine' }
                dispatch: { set: 9, algorithm: 4 }
              - dispatch: { set: 1, algorithm: 4 }
            """);
        server = SipdispatchServer.prepare(config).start();
        rpc = "http://127.0.0.1:" + server.managementPort() + "/RPC";
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        for (Sipp.Backend b : new Sipp.Backend[] {b1, b2}) {
            if (b != null) {
                b.close();
            }
        }
    }

    static JsonNode call(String url, String auth, String method, Object... params) throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("jsonrpc", "2.0", "method", method, "params",
            List.of(params), "id", 7));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return JSON.createObjectNode().put("http", r.statusCode());
        }
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.get("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(n.get("id").asInt()).isEqualTo(7);
        return n;
    }

    static JsonNode result(String method, Object... params) throws Exception {
        return resultAt(rpc, method, params);
    }

    /** The result of {@code method} at the management API {@code url}; fails on an error answer. */
    static JsonNode resultAt(String url, String method, Object... params) throws Exception {
        JsonNode n = call(url, null, method, params);
        assertThat(n.get("error")).as("%s: %s", method, n).isNull();
        return n.get("result");
    }

    static String error(String method, Object... params) throws Exception {
        JsonNode n = call(rpc, null, method, params);
        assertThat(n.get("error")).as("%s answered %s", method, n).isNotNull();
        return n.get("error").get("message").asText();
    }

    static Sipp.Result calls(String service, int n) {
        return Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service(service).calls(n).rate(n)
            .timeout(Duration.ofSeconds(20)).run(dir);
    }

    static String flags(String uri) throws Exception {
        for (JsonNode rec : result("dispatcher.list").get("RECORDS")) {
            for (JsonNode t : rec.get("SET").get("TARGETS")) {
                if (t.get("DEST").get("URI").asText().equals(uri)) {
                    return t.get("DEST").get("FLAGS").asText();
                }
            }
        }
        return null;
    }

    @Test
    void dispatcherListGivesKamailiosFieldsAndOpenSipsCommandsTheirs() throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> "AP".equals(flags(b1.uri())) || "AX".equals(flags(b1.uri())));
        JsonNode list = result("dispatcher.list");
        assertThat(list.get("NRSETS").asInt()).isEqualTo(1);
        JsonNode set = list.get("RECORDS").get(0).get("SET");
        assertThat(set.get("ID").asInt()).isEqualTo(1);
        JsonNode dest = set.get("TARGETS").get(0).get("DEST");
        assertThat(dest.fieldNames()).toIterable().contains("URI", "FLAGS", "PRIORITY", "ATTRS", "LATENCY", "STATE",
            "CALLS");
        assertThat(dest.get("ATTRS").get("DUID").asText()).isIn("b1", "b2");
        assertThat(dest.get("LATENCY").fieldNames()).toIterable().containsExactly("AVG", "STD", "EST", "MAX", "TIMEOUT");
        JsonNode shortList = result("dispatcher.list", "short");
        assertThat(shortList.get("RECORDS").get(0).get("SET").get("TARGETS").get(0).get("DEST").fieldNames())
            .toIterable().containsExactly("URI", "FLAGS");
        JsonNode ds = result("ds_list", 1);
        assertThat(ds.get("PARTITIONS").get(0).get("name").asText()).isEqualTo("default");
        assertThat(ds.get("PARTITIONS").get(0).get("SETS").get(0).get("Destinations")).hasSize(2);
        assertThat(result("ds_count", 1, "a").get("count").asInt()).isEqualTo(2);
        assertThat(result("dispatcher.hash", 4, "alice").get("slot").asInt()).isBetween(0, 3);
        assertThat(result("system.listMethods")).extracting(JsonNode::asText).contains("dispatcher.set_state",
            "ds_reload", "dispatcher.history");
        assertThat(result("dispatcher.history")).isNotEmpty();
        assertThat(result("dispatcher.oclist")).isEmpty();
    }

    @Test
    void aDisabledDestinationTakesNoNewCallFromSippAndEnablingItBringsCallsBack() throws Exception {
        JsonNode changed = result("dispatcher.set_state", "d", 1, b1.uri());
        assertThat(changed.get(0).get("FLAGS").asText()).startsWith("D");
        Sipp.Result off = calls("mgmt-off", 6);
        off.assertAllSucceeded();
        assertThat(b1.callIds(off, "INVITE")).as("calls to the disabled destination").isEmpty();
        assertThat(b2.callIds(off, "INVITE")).hasSize(6);
        assertThat(result("dispatcher.count", 1, "a").get("count").asInt()).isEqualTo(1);
        // Enabled again (health untouched: it was active), it takes its turns again.
        result("dispatcher.set_state", "e", 1, b1.uri());
        Sipp.Result on = calls("mgmt-on", 6);
        on.assertAllSucceeded();
        assertThat(b1.callIds(on, "INVITE")).isNotEmpty();
        // By duid, and OpenSIPS's command: 'i' is OpenSIPS's inactive, the operator's out of service.
        result("dispatcher.set_duid_state", "r", 1, "b2");
        assertThat(flags(b2.uri())).startsWith("R");
        result("ds_set_state", "i", 1, b2.uri());
        assertThat(flags(b2.uri())).startsWith("D");
        Sipp.Result dsOff = calls("mgmt-ds", 4);
        dsOff.assertAllSucceeded();
        assertThat(b2.callIds(dsOff, "INVITE")).isEmpty();
        result("ds_set_state", "a", 1, b2.uri());
        assertThat(flags(b2.uri())).isEqualTo("AX");
        assertThat(result("dispatcher.history")).anySatisfy(e ->
            assertThat(e.get("reason").asText()).contains("management: set_state d by anonymous@127.0.0.1"));
    }

    @Test
    void addedDestinationsTakeCallsUntilRemovedAndReloadReadsTheListAgain() throws Exception {
        assertThat(error("dispatcher.remove", 9, b1.uri())).contains("no set 9");
        JsonNode added = result("dispatcher.add", 9, b1.uri(), 0, 0, "duid=nine");
        assertThat(added.get("URI").asText()).isEqualTo(b1.uri());
        Sipp.Result nine = calls("nine", 2);
        nine.assertAllSucceeded();
        assertThat(b1.callIds(nine, "INVITE")).hasSize(2);
        assertThat(error("dispatcher.add", 9, b1.uri(), 0, 0, "duid=nine")).contains("already");
        assertThat(result("dispatcher.remove", 9, b1.uri()).get("removed").asInt()).isEqualTo(1);
        result("dispatcher.add", 9, b2.uri());
        assertThat(result("dispatcher.reload").asText()).contains("reloaded 2 destination(s) in 1 set(s)");
        assertThat(result("dispatcher.list").get("NRSETS").asInt()).as("the added set is gone with the reload")
            .isEqualTo(1);
        assertThat(result("ds_reload", "default", 0).asText()).contains("states from the source");
        assertThat(error("ds_reload", "nowhere")).contains("no partition 'nowhere'");
    }

    @Test
    void pingActiveStopsAndResumesProbing() throws Exception {
        assertThat(result("dispatcher.ping_active").get("ping_active").asInt()).isEqualTo(1);
        result("dispatcher.ping_active", 0);
        long at = server.proxy().counters().probesSent.sum();
        // Probing off: a full interval and more passes with no probe sent.
        await().pollDelay(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
            .until(() -> server.proxy().counters().probesSent.sum() == at);
        result("dispatcher.ping_active", 1);
        await().atMost(Duration.ofSeconds(3)).until(() -> server.proxy().counters().probesSent.sum() > at);
        assertThat(error("dispatcher.ping_active", 2)).contains("0 or 1");
    }

    @Test
    void errorsSayWhatIsWrong() throws Exception {
        assertThat(error("dispatcher.set_state", "d", 4, "sip:127.0.0.1:9")).isEqualTo("no set 4 (sets: 1)");
        assertThat(error("dispatcher.set_state", "d", 1, "sip:127.0.0.1:9"))
            .startsWith("no destination sip:127.0.0.1:9 in set 1 (it has: ");
        assertThat(error("dispatcher.set_state", "q", 1, "all")).startsWith("bad state 'q'");
        assertThat(error("dispatcher.set_state", "d")).contains("missing parameter 'group'");
        assertThat(error("dispatcher.nothing")).contains("no method 'dispatcher.nothing'");
        HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(URI.create(rpc)).header("Content-Type",
            "application/json").POST(HttpRequest.BodyPublishers.ofString("{not json")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(bad.body()).get("error").get("code").asInt()).isEqualTo(-32700);
    }

    /** One raw HTTP exchange, for headers an HTTP client will not let a test set ({@code Host}). */
    static String raw(String request) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.managementPort())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aWebPageCannotReachTheApiByACrossSitePostOrByDnsRebinding() throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"method\":\"dispatcher.set_state\",\"params\":[\"d\",1,\"all\"],\"id\":1}";
        String here = "127.0.0.1:" + server.managementPort();
        // The "simple" POST a page may send without asking first: refused for its type.
        assertThat(raw("POST /RPC HTTP/1.1\r\nHost: " + here + "\r\nContent-Type: text/plain\r\nContent-Length: "
            + body.length() + "\r\nConnection: close\r\n\r\n" + body)).startsWith("HTTP/1.1 415");
        // Another site's page (had a preflight been granted), and a rebound name of the attacker's.
        assertThat(raw("POST /RPC HTTP/1.1\r\nHost: " + here + "\r\nOrigin: http://evil.example\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
            + body)).startsWith("HTTP/1.1 403");
        assertThat(raw("GET /metrics HTTP/1.1\r\nHost: evil.example:" + server.managementPort()
            + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 403");
        // A refusal closes the connection and says so, or a client that pooled it would send into a closed socket.
        assertThat(raw("GET /metrics HTTP/1.1\r\nHost: evil.example:" + server.managementPort() + "\r\n\r\n"))
            .startsWith("HTTP/1.1 403").containsIgnoringCase("\r\nconnection: close\r\n");
        assertThat(server.snapshot().table().destinations()).allSatisfy(d ->
            assertThat(d.state() & io.sipdispatch.dispatcher.DestinationFlags.DISABLED).isZero());
        // The dashboard's own requests: same origin, an address or localhost as Host.
        assertThat(raw("POST /RPC HTTP/1.1\r\nHost: localhost:" + server.managementPort() + "\r\nOrigin: http://localhost:"
            + server.managementPort() + "\r\nContent-Type: application/json\r\nContent-Length: 57\r\n"
            + "Connection: close\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"ds_count\",\"params\":[1],\"id\":1}"))
            .startsWith("HTTP/1.1 200").contains("\"count\"");
    }

    @Test
    void theCliPrintsATableAndReturnsExitCodesScriptsCanUse() throws Exception {
        String[] out = new String[1];
        int rc = captured(out, "ctl", "--url", rpc, "dispatcher.list");
        assertThat(rc).isZero();
        assertThat(out[0].lines().findFirst().orElseThrow()).startsWith("SET  URI").contains("FLAGS").contains("STATE");
        assertThat(out[0]).contains(b1.uri()).contains(b2.uri());
        assertThat(captured(out, "ctl", "--url", rpc, "--json", "ds_count", "1")).isZero();
        assertThat(JSON.readTree(out[0]).get("count").asInt()).isPositive();
        assertThat(captured(out, "ctl", "--url", rpc, "dispatcher.set_state", "d", "7", "all")).isEqualTo(1);
        assertThat(captured(out, "ctl", "--url", "http://127.0.0.1:" + FreePorts.udpAndTcp() + "/RPC",
            "dispatcher.list")).isEqualTo(3);
    }

    static int captured(String[] out, String... args) {
        PrintStream was = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            return Main.run(args);
        } finally {
            System.setOut(was);
            out[0] = buf.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void metricsParseWithPrometheusOwnParserAndCountTheCalls() throws Exception {
        calls("metrics", 3).assertAllSucceeded();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + server.managementPort() + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, r.body());
        // Prometheus's Python client parses the text format as Prometheus does; a syntax error raises.
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for f in text_string_to_metric_families(open(sys.argv[1]).read()):
                for s in f.samples:
                    print(s.name, ",".join(k + "=" + v for k, v in sorted(s.labels.items())), s.value)
            """, file.toString()).redirectErrorStream(true).start();
        String parsed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(parsed).isZero();
        List<String> lines = parsed.lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("sipdispatch_requests_total method=INVITE "));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("sipdispatch_responses_total code=200 "));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("sipdispatch_destination_up id=1/b1,")
            .contains("uri=" + b1.uri()));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("sipdispatch_destination_requests_total"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("sipdispatch_event_loop_lag_seconds loop=0"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("sipdispatch_reloads_total partition=default"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("jvm_memory_used_bytes area=heap"));
        double invites = lines.stream().filter(l -> l.startsWith("sipdispatch_requests_total method=INVITE "))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertThat(invites).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aNonLoopbackBindNeedsCredentialsAndTheReadRoleChangesNothing() throws Exception {
        Path other = dir.resolve("secure");
        Files.createDirectories(other);
        Files.writeString(other.resolve("dispatcher.list"), E2e.listLine(1, b1, 0, "duid=b1"));
        String base = E2e.listenEverywhere(FreePorts.udpAndTcp()) + """
            dispatcher: { list_file: dispatcher.list }
            events: { history: 10 }
            routes:
              - dispatch: { set: 1 }
            """;
        Files.writeString(other.resolve("open.yaml"), base + "management: { listen: '0.0.0.0:0' }\n");
        assertThatThrownBy(() -> SipdispatchServer.prepare(other.resolve("open.yaml")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("not a loopback address");
        Files.writeString(other.resolve("secure.yaml"), base + """
            management:
              listen: '0.0.0.0:0'
              users:
                - { name: watcher, token: 'reader-token-0123456789', role: read }
                - { name: admin, password: 'admin-password', role: write }
            """);
        List<SipdispatchServer> started = new ArrayList<>();
        try {
            SipdispatchServer s = SipdispatchServer.prepare(other.resolve("secure.yaml")).start();
            started.add(s);
            String url = "http://127.0.0.1:" + s.managementPort() + "/RPC";
            String uri = b1.uri();
            assertThat(call(url, null, "dispatcher.set_state", "d", 1, uri).get("http").asInt()).isEqualTo(401);
            assertThat(call(url, "Bearer wrong-token-0123456789", "dispatcher.list").get("http").asInt()).isEqualTo(401);
            JsonNode read = call(url, "Bearer reader-token-0123456789", "dispatcher.list");
            assertThat(read.get("result").get("NRSETS").asInt()).isEqualTo(1);
            JsonNode refused = call(url, "Bearer reader-token-0123456789", "dispatcher.set_state", "d", 1, uri);
            assertThat(refused.get("error").get("code").asInt()).isEqualTo(-32001);
            assertThat(refused.get("error").get("message").asText()).contains("watcher has the read role");
            assertThat(s.snapshot().table().destinations().get(0).state()).isZero();
            String basic = "Basic " + Base64.getEncoder().encodeToString("admin:admin-password".getBytes(StandardCharsets.UTF_8));
            JsonNode done = call(url, basic, "dispatcher.set_state", "d", 1, uri);
            assertThat(done.get("error")).as("%s", done).isNull();
            assertThat(s.events().history()).anySatisfy(c ->
                assertThat(c.reason()).isEqualTo("management: set_state d by admin@127.0.0.1"));
            String[] out = new String[1];
            assertThat(captured(out, "ctl", "--url", url, "dispatcher.list")).isEqualTo(4);
            assertThat(captured(out, "ctl", "--url", url, "--token", "reader-token-0123456789", "dispatcher.set_state",
                "a", "1", uri)).isEqualTo(4);
            assertThat(captured(out, "ctl", "--url", url, "--user", "admin:admin-password", "dispatcher.set_state",
                "a", "1", uri)).isZero();
        } finally {
            started.forEach(SipdispatchServer::close);
        }
    }
}
