package io.sipdispatch.server.source;

/** A list file that cannot be loaded, with the file, the line and the reason: nothing of it is used. */
public final class ListFileException extends Exception {
    private final String file;
    private final int line;
    private final String reason;

    public ListFileException(String file, int line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    /** The 1-based line, or 0 when the whole file is at fault (unreadable). */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
