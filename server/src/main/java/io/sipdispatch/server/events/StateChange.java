package io.sipdispatch.server.events;

import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DestinationState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One destination state change, or a destination's state at start ({@code reason = "initial"}).
 *
 * @param partition the partition (only {@code default} in this version)
 * @param oldState  the state bits before, -1 for an initial event
 * @param node      in a cluster, the node that saw it (this one, or the peer whose change was replicated); null
 *                  without a cluster
 */
public record StateChange(Instant time, String partition, int set, String destination, int oldState, int newState,
                          String reason, String node) {

    /** Kamailio's event route names: {@code dispatcher:dst-up} when selectable, else {@code dispatcher:dst-down}. */
    public String event() {
        return DestinationFlags.skipped(newState) ? "dispatcher:dst-down" : "dispatcher:dst-up";
    }

    /** The fields as the JSON body of a webhook and the history show them. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", event());
        m.put("name", "E_DISPATCHER_STATUS");
        m.put("time", time.toString());
        m.put("partition", partition);
        m.put("set", set);
        m.put("destination", destination);
        m.put("old_state", oldState < 0 ? null : DestinationFlags.code(oldState));
        m.put("new_state", DestinationFlags.code(newState));
        m.put("status", DestinationState.of(newState).words());
        m.put("reason", reason);
        if (node != null) {
            m.put("node", node);
        }
        return m;
    }

    @Override
    public String toString() {
        return "destination " + destination + " of set " + set + ": "
            + (oldState < 0 ? "" : DestinationFlags.code(oldState) + " -> ") + DestinationFlags.code(newState)
            + " (" + (node == null ? "" : "node " + node + ": ") + reason + ")";
    }
}
