package io.sipdispatch.server.source;

import io.sipdispatch.dispatcher.Attributes;
import io.sipdispatch.dispatcher.DestinationRecord;
import io.sipdispatch.sip.SipUri;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Kamailio's {@code dispatcher.list}: one destination a line,
 * {@code setid destination [flags [priority [attrs [description]]]]}, fields separated by whitespace,
 * {@code #} starting a comment line. Flags and priority are decimal or {@code 0x} hexadecimal; attrs is
 * one field ({@code duid=gw1;weight=50}); the description is the rest of the line.
 *
 * <p>A file is taken whole or not at all: the first bad line stops the load with file, line and reason, so
 * that a reload with a typo keeps the running table.
 */
public final class ListFile {
    private ListFile() {
    }

    /** Reads and parses a list file. */
    public static List<DestinationRecord> read(Path file) throws ListFileException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.toString(), r);
        } catch (IOException e) {
            throw new ListFileException(file.toString(), 0, "cannot read: " + e.getMessage());
        }
    }

    /** Parses list-file text; {@code name} is what errors call the file. */
    public static List<DestinationRecord> parse(String name, Reader text) throws ListFileException, IOException {
        BufferedReader in = text instanceof BufferedReader b ? b : new BufferedReader(text);
        List<DestinationRecord> out = new ArrayList<>();
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            try {
                out.add(parseLine(t));
            } catch (IllegalArgumentException e) {
                throw new ListFileException(name, n, e.getMessage());
            }
        }
        return out;
    }

    /** One non-comment line; a bad field raises IllegalArgumentException with the reason. */
    static DestinationRecord parseLine(String line) {
        String[] f = line.split("\\s+", 6);
        if (f.length < 2) {
            throw new IllegalArgumentException("expected 'setid destination [flags [priority [attrs [description]]]]'");
        }
        int setId = integer("setid", f[0]);
        if (setId < 0) {
            throw new IllegalArgumentException("setid must not be negative: " + f[0]);
        }
        SipUri uri = SipUri.tryParse(f[1]);
        if (uri == null || !uri.isSip()) {
            throw new IllegalArgumentException("destination is not a sip: or sips: URI: " + f[1]);
        }
        int flags = f.length > 2 ? integer("flags", f[2]) : 0;
        if (flags < 0) {
            throw new IllegalArgumentException("flags must not be negative: " + f[2]);
        }
        int priority = f.length > 3 ? integer("priority", f[3]) : 0;
        Attributes attrs;
        try {
            attrs = f.length > 4 ? Attributes.parse(f[4]) : Attributes.NONE;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attrs: " + e.getMessage());
        }
        String description = f.length > 5 ? f[5] : "";
        return new DestinationRecord(setId, f[1], flags, priority, attrs, description);
    }

    private static int integer(String field, String s) {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Integer.parseInt(s.substring(2), 16);
            }
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " is not a number: " + s);
        }
    }
}
