package io.sipdispatch.sip;

/** Reason phrases of the status codes a proxy itself generates (RFC 3261 §21). */
public final class StatusCodes {
    private StatusCodes() {
    }

    public static String reasonPhrase(int code) {
        return switch (code) {
            case 100 -> "Trying";
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 416 -> "Unsupported URI Scheme";
            case 420 -> "Bad Extension";
            case 480 -> "Temporarily Unavailable";
            case 481 -> "Call/Transaction Does Not Exist";
            case 482 -> "Loop Detected";
            case 483 -> "Too Many Hops";
            case 500 -> "Server Internal Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 504 -> "Server Time-out";
            case 505 -> "Version Not Supported";
            case 513 -> "Message Too Large";
            default -> code >= 100 && code < 700 ? "Status " + code : "";
        };
    }
}
