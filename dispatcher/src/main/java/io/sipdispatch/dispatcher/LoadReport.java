package io.sipdispatch.dispatcher;

/**
 * How loaded a destination said it was: a FreeSWITCH heartbeat ({@code Idle-CPU}, {@code Session-Count},
 * {@code Max-Sessions}) or an operator's {@code dispatcher.set_load}.
 *
 * @param idleCpu     the idle CPU in percent, 0 to 100
 * @param sessions    the calls it had
 * @param maxSessions the calls it takes at most; 0 or less when it did not say (then only the CPU counts)
 */
public record LoadReport(double idleCpu, int sessions, int maxSessions) {
    public LoadReport {
        if (!(idleCpu >= 0 && idleCpu <= 100) || sessions < 0) {
            throw new IllegalArgumentException("a load needs 0 <= idle CPU <= 100 and sessions >= 0");
        }
    }

    /**
     * The share of the destination that is free, 0 to 1, once {@code sentSince} more calls than it reported
     * have reached it: OpenSIPS's {@code (Idle-CPU / 100) × (1 − Session-Count / Max-Sessions)}, with the
     * calls sent since the report counted as sessions, so that a burst between two reports sees the room
     * shrink as it fills it instead of all going where there was room a second ago.
     */
    public double free(int sentSince) {
        double cpu = idleCpu / 100;
        if (maxSessions <= 0) {
            return cpu;
        }
        return cpu * Math.max(0, 1 - (double) (sessions + Math.max(0, sentSince)) / maxSessions);
    }
}
