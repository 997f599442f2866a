package io.sipdispatch.server.config;

import java.time.Duration;

/** Durations as an operator writes them: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}. */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.trim();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i == t.length()) {
            throw new IllegalArgumentException("a duration needs a number and a unit (ms, s, m, h), e.g. 2s, not '" + text + "'");
        }
        long n = Long.parseLong(t.substring(0, i));
        return switch (t.substring(i).trim()) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("unknown duration unit in '" + text + "' (ms, s, m, h)");
        };
    }
}
