package io.sipdispatch.server.management;

/**
 * Who is calling the management API, as change logs name them: a configured user, or {@code anonymous} on
 * a loopback API without users; and whether they may change anything.
 */
public record Caller(String name, String from, boolean writes) {
    @Override
    public String toString() {
        return name + "@" + from;
    }
}
