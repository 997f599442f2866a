package io.sipdispatch.server.proxy;

import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.server.config.FailoverSpec;
import java.util.HashSet;
import java.util.Set;

/**
 * A route's failover, compiled from its {@link FailoverSpec}: which outcomes of a branch move the request
 * to the next destination, what the failure does to the destination, and the timers that decide a
 * destination is not answering.
 */
record Failover(long noReplyMillis, long ringingMillis, boolean onTimeout, boolean onTransportError,
                Set<Integer> codes, boolean[] classes, int markFlags, int maxAttempts) {

    /** Codes a class never covers: a busy callee, a cancelled call, a declined one are answers, not failures. */
    private static final Set<Integer> ONLY_BY_NAME = Set.of(486, 487, 603);

    static final Failover NONE = of(FailoverSpec.NONE);

    static Failover of(FailoverSpec spec) {
        boolean timeout = false;
        boolean transport = false;
        Set<Integer> codes = new HashSet<>();
        boolean[] classes = new boolean[7];
        for (String o : spec.on()) {
            switch (o) {
                case "timeout" -> timeout = true;
                case "transport_error" -> transport = true;
                default -> {
                    if (o.endsWith("xx")) {
                        classes[o.charAt(0) - '0'] = true;
                    } else {
                        codes.add(Integer.parseInt(o));
                    }
                }
            }
        }
        int mark = switch (spec.mark()) {
            case "inactive+probing" -> DestinationFlags.INACTIVE | DestinationFlags.PROBING;
            case "inactive" -> DestinationFlags.INACTIVE;
            case "trying+probing" -> DestinationFlags.TRYING | DestinationFlags.PROBING;
            case "trying" -> DestinationFlags.TRYING;
            case "probing" -> DestinationFlags.PROBING;
            default -> 0;
        };
        return new Failover(spec.noReplyTimeout().toMillis(), spec.ringingTimeout().toMillis(), timeout, transport,
            Set.copyOf(codes), classes, mark, spec.maxAttempts());
    }

    /** Whether a final response {@code status} from a destination fails over. */
    boolean failsOver(int status) {
        if (codes.contains(status)) {
            return true;
        }
        int c = status / 100;
        return c >= 3 && c <= 6 && classes[c] && !ONLY_BY_NAME.contains(status);
    }

    /** Whether any outcome fails over at all. */
    boolean enabled() {
        return onTimeout || onTransportError || !codes.isEmpty() || classes[3] || classes[4] || classes[5] || classes[6];
    }
}
