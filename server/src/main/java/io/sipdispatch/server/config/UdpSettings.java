package io.sipdispatch.server.config;

/**
 * UDP socket handling.
 *
 * @param receiveBuffer the socket receive buffer in bytes (Kamailio {@code maxbuffer}); the kernel caps it at
 *                      {@code net.core.rmem_max}. A larger buffer absorbs bursts instead of dropping them.
 * @param sendBuffer    the socket send buffer in bytes
 * @param workers       event loops, each with its own socket on the port (SO_REUSEPORT); 0 = one per core
 */
public record UdpSettings(Integer receiveBuffer, Integer sendBuffer, Integer workers) {
    public static final UdpSettings DEFAULT = new UdpSettings(null, null, null);

    public UdpSettings {
        receiveBuffer = receiveBuffer == null ? 4 * 1024 * 1024 : receiveBuffer;
        sendBuffer = sendBuffer == null ? 4 * 1024 * 1024 : sendBuffer;
        workers = workers == null ? 0 : workers;
        if (receiveBuffer < 65536 || sendBuffer < 65536) {
            throw new IllegalArgumentException("socket buffers must be at least 65536 bytes");
        }
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be 0 (one per core) or more");
        }
    }

    public int workerCount() {
        return workers == 0 ? Runtime.getRuntime().availableProcessors() : workers;
    }
}
