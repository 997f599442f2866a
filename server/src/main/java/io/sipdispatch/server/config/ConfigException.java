package io.sipdispatch.server.config;

/** A configuration that cannot be used: names the file, the line, the key and the reason. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
