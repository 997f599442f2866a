package io.sipdispatch.server.management;

/** A JSON-RPC error: its code and a message a person understands. */
public final class RpcException extends Exception {
    /** JSON-RPC 2.0's codes, and the one for what the server refuses. */
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int REFUSED = -32000;
    public static final int FORBIDDEN = -32001;

    private final int code;

    public RpcException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }

    static RpcException params(String message) {
        return new RpcException(INVALID_PARAMS, message);
    }
}
