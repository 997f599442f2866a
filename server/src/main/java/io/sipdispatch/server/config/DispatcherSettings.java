package io.sipdispatch.server.config;

import io.sipdispatch.dispatcher.HashMode;
import io.sipdispatch.dispatcher.Numbering;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where destinations come from and how they are chosen.
 *
 * @param listFile          Kamailio's {@code dispatcher.list}, relative to the configuration file ({@code list_file})
 * @param dbUrl             the {@code dispatcher} table's database instead ({@code db_url}: {@code sqlite://file.db},
 *                          {@code mysql://…}, {@code postgres://…} or a JDBC URL); exactly one of the two
 * @param db                the table's schema and names
 * @param reloadDelta       the least time between two reloads ({@code ds_reload_delta}); a reload asked sooner is
 *                          refused
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
 * @param slowStart         how long a destination that came back takes to reach its full share of new calls
 *                          (0, the default, for at once, as in Kamailio and OpenSIPS)
 * @param blacklists        the default partition's blacklists ({@code ds_define_blacklist}): name → set ids
 * @param partitions        more partitions by name, each with its own source, probing and blacklists
 * @param maxFreeswitchWeight the weight of a FreeSWITCH destination (weight {@code fs://…}) when its box is idle,
 *                          and before its first heartbeat or while its event socket is down; static weights above
 *                          it in a set with FreeSWITCH destinations count as it (OpenSIPS's
 *                          {@code max_freeswitch_weight}, 100)
 */
public record DispatcherSettings(String listFile, String dbUrl, DbSettings db, Duration reloadDelta, String hash, String numbering, Integer affinityCapacity,
                                 Duration affinityTtl, ProbingSettings probing, Double latencyEstimatorAlpha,
                                 Duration callExpire, Duration callInitExpire, Duration slowStart,
                                 Map<String, List<Integer>> blacklists, Map<String, PartitionSettings> partitions,
                                 Integer maxFreeswitchWeight) {
    /** The name of the partition the {@code dispatcher} section itself describes. */
    public static final String DEFAULT_PARTITION = "default";

    public DispatcherSettings {
        PartitionSettings own = new PartitionSettings(listFile, dbUrl, db, probing, blacklists);
        db = own.db();
        blacklists = own.blacklists();
        partitions = partitions == null ? Map.of() : partitions;
        Map<String, PartitionSettings> all = new LinkedHashMap<>();
        Set<String> listNames = new HashSet<>(blacklists.keySet());
        for (Map.Entry<String, PartitionSettings> e : partitions.entrySet()) {
            String name = e.getKey();
            if (name.equals(DEFAULT_PARTITION) || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("partition name '" + name + "': letters, digits, _ . - only, and"
                    + " not 'default' (the dispatcher section itself)");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("partition '" + name + "' needs list_file or db_url");
            }
            for (String l : e.getValue().blacklists().keySet()) {
                if (!listNames.add(l)) {
                    throw new IllegalArgumentException("blacklist '" + l + "' is defined twice; its name must be"
                        + " unique over all partitions");
                }
            }
            all.put(name, e.getValue());
        }
        partitions = java.util.Collections.unmodifiableMap(all);
        reloadDelta = reloadDelta == null ? Duration.ofSeconds(5) : reloadDelta;
        if (reloadDelta.isNegative()) {
            throw new IllegalArgumentException("reload_delta must not be negative");
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
        maxFreeswitchWeight = maxFreeswitchWeight == null ? 100 : maxFreeswitchWeight;
        if (maxFreeswitchWeight < 1) {
            throw new IllegalArgumentException("max_freeswitch_weight must be at least 1");
        }
        slowStart = slowStart == null ? Duration.ZERO : slowStart;
        if (slowStart.isNegative()) {
            throw new IllegalArgumentException("slow_start must not be negative");
        }
        latencyEstimatorAlpha = latencyEstimatorAlpha == null ? 0.9 : latencyEstimatorAlpha;
        if (latencyEstimatorAlpha > 1 && latencyEstimatorAlpha <= 1000) {
            latencyEstimatorAlpha = latencyEstimatorAlpha / 1000; // ds_latency_estimator_alpha 900
        }
        if (!(latencyEstimatorAlpha >= 0 && latencyEstimatorAlpha < 1)) {
            throw new IllegalArgumentException("latency_estimator_alpha must be from 0 to 0.999 (or 0 to 999 per mille)");
        }
    }

    /**
     * Every partition by name, the default one first; a partition without probing of its own probes as the
     * default one does.
     */
    public Map<String, PartitionSettings> allPartitions() {
        Map<String, PartitionSettings> all = new LinkedHashMap<>();
        all.put(DEFAULT_PARTITION, new PartitionSettings(listFile, dbUrl, db, probing, blacklists));
        partitions.forEach((name, p) -> all.put(name, p.withDefaultProbing(probing)));
        return all;
    }

    public Numbering numberingKind() {
        return numbering.equals("opensips") ? Numbering.OPENSIPS : Numbering.KAMAILIO;
    }

    public HashMode hashMode() {
        return hash.equals("modulo") ? HashMode.MODULO : HashMode.RENDEZVOUS;
    }
}
