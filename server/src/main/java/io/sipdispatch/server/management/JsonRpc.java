package io.sipdispatch.server.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 (a request or a batch) over the management commands: the method by name, the parameters by
 * position or by name, the caller's role checked before a command that changes anything. Errors are JSON-RPC
 * errors whose message says what was wrong.
 */
final class JsonRpc {
    /**
     * A result written straight to the response as it is made, for answers too big to build as a tree
     * first ({@code dispatcher.list} of ten thousand destinations).
     */
    interface Streamed {
        void write(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException;
    }

    private static final Logger log = LoggerFactory.getLogger(JsonRpc.class);
    static final ObjectMapper JSON = new ObjectMapper();

    private final DispatcherRpc commands;

    JsonRpc(DispatcherRpc commands) {
        this.commands = commands;
    }

    /** The response to {@code body}; null when it held only notifications (nothing to answer). */
    byte[] handle(byte[] body, Caller who) {
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return write(error(null, RpcException.PARSE_ERROR, "not JSON: " + firstLine(e.getMessage())));
        }
        if (req == null) {
            return write(error(null, RpcException.INVALID_REQUEST, "an empty request"));
        }
        if (req.isArray()) {
            if (req.isEmpty()) {
                return write(error(null, RpcException.INVALID_REQUEST, "an empty batch"));
            }
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode r : req) {
                ObjectNode o = one(r, who);
                if (o != null) {
                    out.add(o);
                }
            }
            return out.isEmpty() ? null : write(out);
        }
        ObjectNode o = one(req, who);
        return o == null ? null : write(o);
    }

    private ObjectNode one(JsonNode req, Caller who) {
        if (!req.isObject() || !req.path("method").isTextual()) {
            return error(req.isObject() ? req.get("id") : null, RpcException.INVALID_REQUEST,
                "a request is an object with a 'method'");
        }
        JsonNode id = req.get("id");
        String method = req.get("method").asText();
        JsonNode params = req.get("params");
        if (params != null && !params.isNull() && !params.isArray() && !params.isObject()) {
            return error(id, RpcException.INVALID_PARAMS, "params must be an array or an object");
        }
        try {
            Object result = call(method, new Params(params), who);
            if (id == null) {
                return null; // a notification
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("jsonrpc", "2.0");
            o.putPOJO("result", result);
            o.set("id", id);
            return o;
        } catch (RpcException e) {
            return error(id, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("management: {} failed", method, e);
            return error(id, RpcException.REFUSED, method + " failed: " + e);
        }
    }

    Object call(String method, Params params, Caller who) throws RpcException {
        if (method.equals("system.listMethods")) {
            return new ArrayList<>(commands.commands().keySet());
        }
        if (method.equals("system.whoami")) {
            return java.util.Map.of("name", who.name(), "from", who.from(), "role", who.writes() ? "write" : "read");
        }
        if (method.equals("system.methodHelp")) {
            String m = params.string(0, "method");
            DispatcherRpc.Command c = commands.commands().get(m);
            if (c == null) {
                throw new RpcException(RpcException.METHOD_NOT_FOUND, "no method '" + m + "'");
            }
            return m + " " + c.help() + (c.writes() ? " (write role)" : "");
        }
        DispatcherRpc.Command c = commands.commands().get(method);
        if (c == null) {
            throw new RpcException(RpcException.METHOD_NOT_FOUND, "no method '" + method
                + "' (system.listMethods lists them)");
        }
        if (c.writes() && !who.writes()) {
            throw new RpcException(RpcException.FORBIDDEN, who.name() + " has the read role, and " + method
                + " changes the dispatcher");
        }
        return c.handler().call(params, who);
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("jsonrpc", "2.0");
        ObjectNode e = o.putObject("error");
        e.put("code", code);
        e.put("message", message);
        o.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        return o;
    }

    private static byte[] write(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static {
        com.fasterxml.jackson.databind.module.SimpleModule m = new com.fasterxml.jackson.databind.module.SimpleModule();
        m.addSerializer(Streamed.class, new com.fasterxml.jackson.databind.JsonSerializer<Streamed>() {
            @Override
            public void serialize(Streamed v, com.fasterxml.jackson.core.JsonGenerator g,
                                  com.fasterxml.jackson.databind.SerializerProvider p) throws java.io.IOException {
                v.write(g);
            }
        });
        JSON.registerModule(m);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
