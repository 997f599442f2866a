package io.sipdispatch.server.config;

import java.util.List;

/**
 * Where destination state changes go, besides the log.
 *
 * @param history  how many of the last changes are kept in memory (OpenSIPS-style status report; default 1000)
 * @param webhooks HTTP receivers, each with its own queue: a slow one never slows SIP
 */
public record EventSettings(Integer history, List<WebhookSpec> webhooks) {
    public static final EventSettings DEFAULT = new EventSettings(null, null);

    public EventSettings {
        history = history == null ? 1000 : history;
        if (history < 0) {
            throw new IllegalArgumentException("events.history must be 0 or more");
        }
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
    }
}
