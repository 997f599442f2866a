package io.sipdispatch.server.config;

/**
 * A route condition: an address of the request is a destination of a set (OpenSIPS's
 * {@code ds_is_in_list(ip, port, set, partition, active_only)}).
 *
 * @param address    whose address: {@code source} (the packet's source, {@code $si}/{@code $sp}, default) or
 *                   {@code ruri} (the Request-URI's host and port, {@code $rd}/{@code $rp})
 * @param set        the set; absent (or -1) for any set of the partition
 * @param partition  the partition; absent = {@code default}
 * @param anyPort    compare the IP only ({@code port} 0); default false: IP and port
 * @param activeOnly count only destinations in use (not inactive, trying, disabled or draining)
 */
public record InListSpec(String address, Integer set, String partition, Boolean anyPort, Boolean activeOnly) {
    public InListSpec {
        address = address == null ? "source" : address;
        if (!address.equals("source") && !address.equals("ruri")) {
            throw new IllegalArgumentException("in_list.address must be 'source' or 'ruri', not '" + address + "'");
        }
        set = set == null ? -1 : set;
        if (set < -1) {
            throw new IllegalArgumentException("in_list.set must be a set id, or -1 for any set");
        }
        partition = partition == null ? DispatcherSettings.DEFAULT_PARTITION : partition;
        anyPort = anyPort != null && anyPort;
        activeOnly = activeOnly != null && activeOnly;
    }

    public boolean ofRequestUri() {
        return address.equals("ruri");
    }
}
