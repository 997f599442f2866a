package io.sipdispatch.server.source;

/** The destinations could not be loaded: the source says where (file and line, table and row id) and why. */
public class SourceException extends Exception {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
