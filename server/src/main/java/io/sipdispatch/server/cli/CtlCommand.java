package io.sipdispatch.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sipdispatch.server.config.ConfigException;
import io.sipdispatch.server.config.ConfigLoader;
import io.sipdispatch.server.config.HostPort;
import io.sipdispatch.server.config.ManagementSettings;
import io.sipdispatch.server.config.SipdispatchConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sipdispatch ctl COMMAND [ARG…]}: a management command over the JSON-RPC API, as {@code kamcmd} and
 * {@code opensips-cli -x mi} call theirs. Arguments that look like numbers are sent as numbers ({@code s:5}
 * sends the string "5"), as kamcmd does. The answer is printed as a table or as lines a person reads, or as
 * JSON with {@code --json}.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true,
    description = "Call a management command of a running sipdispatch (system.listMethods lists them).",
    footer = {"", "Exit codes: 0 done, 1 the command failed (the reason is printed), 2 bad usage,",
        "3 the API cannot be reached, 4 credentials refused or the role does not allow it."})
final class CtlCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", description = "the API (default: the config's management.listen, else "
        + "$SIPDISPATCH_URL, else http://127.0.0.1:8888/RPC)")
    String url;

    @Option(names = {"-c", "--config"}, description = "a sipdispatch.yaml whose management.listen to call")
    Path config;

    @Option(names = "--user", description = "NAME:PASSWORD for HTTP basic authentication (or $SIPDISPATCH_USER)")
    String user;

    @Option(names = "--token", description = "a bearer token (or $SIPDISPATCH_TOKEN)")
    String token;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Parameters(index = "0", paramLabel = "COMMAND", description = "e.g. dispatcher.list, dispatcher.set_state")
    String command;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "the command's arguments, in order")
    List<String> args = new ArrayList<>();

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
        String endpoint;
        try {
            endpoint = endpoint();
        } catch (ConfigException e) {
            err.println("sipdispatch ctl: " + e.getMessage());
            return 2;
        }
        ObjectNode req = JsonNodeFactory.instance.objectNode();
        req.put("jsonrpc", "2.0");
        req.put("method", command);
        ArrayNode params = req.putArray("params");
        for (String a : args) {
            if (a.startsWith("s:")) {
                params.add(a.substring(2));
            } else if (a.matches("-?\\d{1,9}")) {
                params.add(Integer.parseInt(a));
            } else {
                params.add(a);
            }
        }
        req.put("id", 1);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(req.toString()));
        String u = user != null ? user : System.getenv("SIPDISPATCH_USER");
        String t = token != null ? token : System.getenv("SIPDISPATCH_TOKEN");
        if (t != null && !t.isEmpty()) {
            b.header("Authorization", "Bearer " + t);
        } else if (u != null && !u.isEmpty()) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> resp;
        try {
            resp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("sipdispatch ctl: cannot reach " + endpoint + ": " + e);
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        }
        if (resp.statusCode() == 401) {
            err.println("sipdispatch ctl: " + endpoint + " wants credentials (--user NAME:PASSWORD or --token)");
            return 4;
        }
        if (resp.statusCode() != 200) {
            err.println("sipdispatch ctl: " + endpoint + " answered HTTP " + resp.statusCode() + ": " + resp.body().trim());
            return 3;
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(resp.body());
        } catch (IOException e) {
            err.println("sipdispatch ctl: not JSON from " + endpoint + ": " + e.getMessage());
            return 3;
        }
        JsonNode error = answer.get("error");
        if (error != null) {
            err.println("sipdispatch ctl: " + command + ": " + error.path("message").asText()
                + " (" + error.path("code").asInt() + ")");
            return error.path("code").asInt() == -32001 ? 4 : 1;
        }
        JsonNode result = answer.get("result");
        if (json) {
            out.println(result == null ? "null" : result.toPrettyString());
        } else {
            print(result);
        }
        return 0;
    }

    private String endpoint() throws ConfigException {
        if (url != null) {
            return url;
        }
        if (config != null) {
            SipdispatchConfig c = ConfigLoader.load(config);
            ManagementSettings m = c.management();
            if (m == null) {
                throw new ConfigException(config + ": no management section, so no API to call");
            }
            HostPort hp = m.hostPort();
            String host = hp.literal();
            if (host.equals("0.0.0.0")) {
                host = "127.0.0.1";
            } else if (host.equals("::")) {
                host = "::1";
            }
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + hp.port() + "/RPC";
        }
        String env = System.getenv("SIPDISPATCH_URL");
        return env != null && !env.isEmpty() ? env : "http://127.0.0.1:8888/RPC";
    }

    /** A person's view of {@code result}: the dispatcher listing as a table, lists of records as tables. */
    void print(JsonNode result) {
        if (result == null || result.isNull()) {
            out.println("OK");
        } else if (result.isValueNode()) {
            out.println(result.asText());
        } else if (result.has("RECORDS")) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"SET", "URI", "FLAGS", "STATE", "PRIO", "WEIGHT", "CALLS", "SENT", "EST_MS"});
            for (JsonNode rec : result.get("RECORDS")) {
                JsonNode set = rec.get("SET");
                for (JsonNode t : set.path("TARGETS")) {
                    JsonNode d = t.get("DEST");
                    rows.add(new String[] {set.path("ID").asText(), d.path("URI").asText(), d.path("FLAGS").asText(),
                        d.path("STATE").asText(""), d.path("PRIORITY").asText(""),
                        d.path("ATTRS").path("WEIGHT").asText(""), d.path("CALLS").asText(""),
                        d.path("SELECTED").asText(""), d.path("LATENCY").path("EST").asText("")});
                }
            }
            table(rows);
        } else if (result.isArray() && !result.isEmpty() && result.get(0).isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            result.forEach(r -> r.fieldNames().forEachRemaining(keys::add));
            List<String[]> rows = new ArrayList<>();
            rows.add(keys.toArray(new String[0]));
            for (JsonNode r : result) {
                rows.add(keys.stream().map(k -> r.has(k) ? text(r.get(k)) : "").toArray(String[]::new));
            }
            table(rows);
        } else if (result.isArray()) {
            result.forEach(v -> out.println(text(v)));
        } else {
            Iterator<Map.Entry<String, JsonNode>> it = result.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.println(e.getKey() + ": " + text(e.getValue()));
            }
        }
    }

    private static String text(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private void table(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                sb.append(i == 0 ? "" : "  ").append(r[i]).append(" ".repeat(i == cols - 1 ? 0 : w[i] - r[i].length()));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
