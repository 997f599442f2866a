package io.sipdispatch.sip;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a list-valued header (RFC 3261 §7.3.1: {@code Via: a, b}) at the commas that separate values,
 * not at commas inside a quoted string or inside {@code <>}.
 */
final class HeaderValues {
    private HeaderValues() {
    }

    /** The values, trimmed; empty values (as in {@code a,,b}) are kept as empty strings. */
    static List<String> split(String v) {
        List<String> out = new ArrayList<>(2);
        int[] cuts = cuts(v);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : v.length();
            out.add(v.substring(from, to).trim());
            from = to + 1;
        }
        return out;
    }

    /** Offsets of the separating commas in {@code v}. */
    static int[] cuts(CharSequence v) {
        int[] cuts = new int[4];
        int n = 0;
        boolean quoted = false;
        boolean angle = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                angle = true;
            } else if (c == '>') {
                angle = false;
            } else if (c == ',' && !angle) {
                if (n == cuts.length) {
                    cuts = java.util.Arrays.copyOf(cuts, n * 2);
                }
                cuts[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(cuts, n);
    }

    /** Offset (in the byte range) of the first separating comma of a list value, or -1. */
    static int firstCut(byte[] b, int from, int to) {
        // Most values hold no comma at all: one fast look settles those.
        if (SipParser.indexOf(b, from, to, (byte) ',') < 0) {
            return -1;
        }
        boolean quoted = false;
        boolean angle = false;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                angle = true;
            } else if (c == '>') {
                angle = false;
            } else if (c == ',' && !angle) {
                return i;
            }
        }
        return -1;
    }
}
