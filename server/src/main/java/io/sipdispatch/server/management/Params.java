package io.sipdispatch.server.management;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A call's parameters, given by position (as {@code kamcmd} and Kamailio's {@code jsonrpcs} send them) or by
 * name (as OpenSIPS's MI does): each is asked for by both.
 */
final class Params {
    private final JsonNode node;

    Params(JsonNode node) {
        this.node = node;
    }

    private JsonNode get(int index, String name) {
        if (node == null || node.isNull()) {
            return null;
        }
        JsonNode v = node.isArray() ? node.get(index) : node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(int index, String name) {
        return get(index, name) != null;
    }

    String string(int index, String name) throws RpcException {
        JsonNode v = get(index, name);
        if (v == null) {
            throw RpcException.params("missing parameter '" + name + "' (position " + (index + 1) + ")");
        }
        return v.asText();
    }

    String string(int index, String name, String dflt) {
        JsonNode v = get(index, name);
        return v == null ? dflt : v.asText();
    }

    int integer(int index, String name) throws RpcException {
        JsonNode v = get(index, name);
        if (v == null) {
            throw RpcException.params("missing parameter '" + name + "' (position " + (index + 1) + ")");
        }
        return toInt(v, name);
    }

    int integer(int index, String name, int dflt) throws RpcException {
        JsonNode v = get(index, name);
        return v == null ? dflt : toInt(v, name);
    }

    private static int toInt(JsonNode v, String name) throws RpcException {
        if (v.isInt()) {
            return v.asInt();
        }
        try {
            return Integer.parseInt(v.asText().trim());
        } catch (NumberFormatException e) {
            throw RpcException.params("parameter '" + name + "' must be a number, not '" + v.asText() + "'");
        }
    }
}
