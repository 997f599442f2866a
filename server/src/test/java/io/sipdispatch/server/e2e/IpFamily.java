package io.sipdispatch.server.e2e;

/** The loopback address of one IP family, in the forms the tests need it. */
public enum IpFamily {
    IPV4("127.0.0.1"),
    IPV6("::1");

    private final String address;

    IpFamily(String address) {
        this.address = address;
    }

    /** The address as SIPp's {@code -i} takes it: {@code 127.0.0.1} or {@code ::1}. */
    public String address() {
        return address;
    }

    /** The address as it stands in a URI or a host:port: {@code 127.0.0.1} or {@code [::1]}. */
    public String uriHost() {
        return this == IPV6 ? "[" + address + "]" : address;
    }

    /** {@code host:port} with the host as in a URI. */
    public String hostPort(int port) {
        return uriHost() + ":" + port;
    }
}
