package io.sipdispatch.dispatcher;

import java.util.Locale;

/**
 * A destination's state bits read as two independent parts: what the operator decided ({@link Admin}) and
 * what the health checks found ({@link Health}), plus whether it is probed. The operator's decision never
 * changes by itself, and the health never changes by an operator's enable or drain: disabling a destination
 * and enabling it again gives back the health it had, and a draining destination keeps being probed.
 *
 * <pre>
 *   admin:   enabled ──drain──▶ draining ──enable──▶ enabled        (operator only)
 *            enabled ──disable─▶ disabled ──enable──▶ enabled
 *   health:  active ──failure──▶ trying ──threshold-th failure──▶ inactive
 *            trying ──answer──▶ active;  inactive ──recovery_threshold-th answered probe──▶ active
 * </pre>
 *
 * A destination takes new calls only when it is enabled and not inactive.
 */
public record DestinationState(Admin admin, Health health, boolean probing) {
    /** The operator's decision. */
    public enum Admin {
        ENABLED, DRAINING, DISABLED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What failures and keepalives found. */
    public enum Health {
        ACTIVE, TRYING, INACTIVE;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The state held in {@code bits} (see {@link DestinationFlags}). Disabled wins over draining. */
    public static DestinationState of(int bits) {
        Admin admin = (bits & DestinationFlags.DISABLED) != 0 ? Admin.DISABLED
            : (bits & DestinationFlags.DRAINING) != 0 ? Admin.DRAINING : Admin.ENABLED;
        Health health = (bits & DestinationFlags.INACTIVE) != 0 ? Health.INACTIVE
            : (bits & DestinationFlags.TRYING) != 0 ? Health.TRYING : Health.ACTIVE;
        return new DestinationState(admin, health, (bits & DestinationFlags.PROBING) != 0);
    }

    /** Whether new calls may be sent: enabled and not inactive. */
    public boolean takesCalls() {
        return admin == Admin.ENABLED && health != Health.INACTIVE;
    }

    /** Kamailio's two letters: D or R for the admin state when not enabled, else A, T or I; then P or X. */
    public String code() {
        char first = switch (admin) {
            case DISABLED -> 'D';
            case DRAINING -> 'R';
            case ENABLED -> switch (health) {
                case ACTIVE -> 'A';
                case TRYING -> 'T';
                case INACTIVE -> 'I';
            };
        };
        return first + (probing ? "P" : "X");
    }

    /** The state in words, admin then health: {@code enabled, active, probing} or {@code draining, trying}. */
    public String words() {
        return admin.word() + ", " + health.word() + (probing ? ", probing" : "");
    }

    @Override
    public String toString() {
        return code() + " (" + words() + ")";
    }
}
