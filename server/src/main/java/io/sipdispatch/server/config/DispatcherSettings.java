package io.sipdispatch.server.config;

import io.sipdispatch.dispatcher.HashMode;
import io.sipdispatch.dispatcher.Numbering;
import java.time.Duration;

/**
 * Where destinations come from and how they are chosen.
 *
 * @param listFile          Kamailio's {@code dispatcher.list}, relative to the configuration file ({@code list_file})
 * @param hash              {@code rendezvous} (default) or {@code modulo} (Kamailio's placement) for every hash algorithm
 * @param numbering         whether algorithm numbers are read as {@code kamailio} (default) or {@code opensips} numbers
 * @param affinityCapacity  how many forwarded requests a stateless server remembers so that their CANCEL,
 *                          retransmissions and non-2xx ACK reach the same destination
 * @param affinityTtl       how long each is remembered: 64·T1 = 32 s, a transaction's longest life (RFC 3261 §17)
 * @param probing           how destinations are watched ({@code ds_probing_threshold} …)
 * @param callExpire        how long a call counted for call-load (algorithm 10) stays counted after its 2xx when its
 *                          BYE is never seen ({@code ds_hash_expire}, 7200 s)
 * @param callInitExpire    the same before a 2xx ({@code ds_hash_initexpire}, 7200 s)
 * @param latencyEstimatorAlpha the weight of the past in the keepalives' latency estimate (EWMA) that
 *                          algorithm 13 reads: 0.9 (default), or Kamailio's per-mille form (900)
 */
public record DispatcherSettings(String listFile, String hash, String numbering, Integer affinityCapacity,
                                 Duration affinityTtl, ProbingSettings probing, Double latencyEstimatorAlpha,
                                 Duration callExpire, Duration callInitExpire) {
    public DispatcherSettings {
        if (listFile == null || listFile.isBlank()) {
            throw new IllegalArgumentException("'list_file' is needed: the Kamailio-format destination list");
        }
        hash = hash == null ? "rendezvous" : hash;
        if (!hash.equals("rendezvous") && !hash.equals("modulo")) {
            throw new IllegalArgumentException("hash must be 'rendezvous' or 'modulo', not '" + hash + "'");
        }
        numbering = numbering == null ? "kamailio" : numbering;
        if (!numbering.equals("kamailio") && !numbering.equals("opensips")) {
            throw new IllegalArgumentException("numbering must be 'kamailio' or 'opensips', not '" + numbering + "'");
        }
        affinityCapacity = affinityCapacity == null ? 1 << 20 : affinityCapacity;
        if (affinityCapacity < 1024) {
            throw new IllegalArgumentException("affinity_capacity must be at least 1024");
        }
        affinityTtl = affinityTtl == null ? Duration.ofSeconds(32) : affinityTtl;
        probing = probing == null ? ProbingSettings.DEFAULT : probing;
        callExpire = callExpire == null ? Duration.ofSeconds(7200) : callExpire;
        callInitExpire = callInitExpire == null ? Duration.ofSeconds(7200) : callInitExpire;
        if (callExpire.isZero() || callExpire.isNegative() || callInitExpire.isZero() || callInitExpire.isNegative()) {
            throw new IllegalArgumentException("call_expire and call_init_expire must be positive");
        }
        latencyEstimatorAlpha = latencyEstimatorAlpha == null ? 0.9 : latencyEstimatorAlpha;
        if (latencyEstimatorAlpha > 1 && latencyEstimatorAlpha <= 1000) {
            latencyEstimatorAlpha = latencyEstimatorAlpha / 1000; // ds_latency_estimator_alpha 900
        }
        if (!(latencyEstimatorAlpha >= 0 && latencyEstimatorAlpha < 1)) {
            throw new IllegalArgumentException("latency_estimator_alpha must be from 0 to 0.999 (or 0 to 999 per mille)");
        }
    }

    public Numbering numberingKind() {
        return numbering.equals("opensips") ? Numbering.OPENSIPS : Numbering.KAMAILIO;
    }

    public HashMode hashMode() {
        return hash.equals("modulo") ? HashMode.MODULO : HashMode.RENDEZVOUS;
    }
}
