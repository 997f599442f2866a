package io.sipdispatch.server.config;

/**
 * SIP tracing: messages mirrored to a HEP v3 collector (Homer), switched on and off at run time
 * ({@code siptrace.status}, {@code trace.start}).
 *
 * @param hep       the collector, {@code host:port} (an IP; default port 9060), over UDP
 * @param captureId the capture agent id each packet carries (Kamailio's {@code hep_capture_id}, default 1)
 * @param password  the collector's password (HEP chunk 14), or none
 * @param active    whether tracing runs from the start, of every message (default false)
 * @param queue     the most packets waiting to be sent; beyond, packets are dropped and counted, never the
 *                  SIP traffic slowed (default 10000)
 */
public record TracingSettings(String hep, Integer captureId, String password, Boolean active, Integer queue) {
    public TracingSettings {
        if (hep == null || hep.isBlank()) {
            throw new IllegalArgumentException("tracing.hep needs the collector's address, e.g. 127.0.0.1:9060");
        }
        if (!HostPort.parse(hep, 9060).isIpLiteral()) {
            throw new IllegalArgumentException("tracing.hep must be an IP address and port, not '" + hep + "'");
        }
        captureId = captureId == null ? 1 : captureId;
        active = active != null && active;
        queue = queue == null ? 10_000 : queue;
        if (queue < 1) {
            throw new IllegalArgumentException("tracing.queue must be at least 1");
        }
    }

    public HostPort collector() {
        return HostPort.parse(hep, 9060);
    }
}
