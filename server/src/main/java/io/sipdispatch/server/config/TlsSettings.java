package io.sipdispatch.server.config;

import java.time.Duration;

/**
 * TLS for {@code tls:} listen addresses and for destinations reached over TLS ({@code sips:},
 * {@code ;transport=tls}). Only TLS 1.2 and 1.3 are spoken. Paths are relative to the configuration file.
 *
 * @param certificate  this server's certificate chain, PEM
 * @param privateKey   its key, PEM (PKCS#8, unencrypted)
 * @param ca           the CA certificates (PEM) that a client certificate and a destination's certificate
 *                     must chain to; absent: the system's for destinations, none for clients
 * @param verifyClient whether a TLS caller must present a certificate signed by {@code ca} (default false)
 * @param verifyServer whether a destination's certificate is checked (default true); false only for tests
 * @param reloadCheck  how often the certificate and key files are looked at; a changed pair is loaded for new
 *                     connections without a restart (default 30s, 0 for never)
 */
public record TlsSettings(String certificate, String privateKey, String ca, Boolean verifyClient,
                          Boolean verifyServer, Duration reloadCheck) {
    public TlsSettings {
        if (certificate == null || privateKey == null) {
            throw new IllegalArgumentException("tls needs 'certificate' and 'private_key' (PEM files)");
        }
        verifyClient = verifyClient != null && verifyClient;
        if (verifyClient && ca == null) {
            throw new IllegalArgumentException("tls.verify_client needs 'ca', the certificates clients must chain to");
        }
        verifyServer = verifyServer == null || verifyServer;
        reloadCheck = reloadCheck == null ? Duration.ofSeconds(30) : reloadCheck;
        if (reloadCheck.isNegative()) {
            throw new IllegalArgumentException("tls.reload_check must not be negative");
        }
    }
}
