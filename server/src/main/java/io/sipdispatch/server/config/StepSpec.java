package io.sipdispatch.server.config;

/**
 * One set/algorithm step of a dispatch; the candidates of every step are tried in order (Kamailio's
 * {@code ds_select_dst} called once per set, with failover between them).
 *
 * @param set       the set id
 * @param algorithm a Kamailio (or, with {@code numbering: opensips}, OpenSIPS) algorithm number, or a name
 * @param key       the key template of {@code hash-key} (algorithm 7), e.g. {@code $fU@$ci}
 * @param partition the partition the set is in; absent = the dispatch's, else {@code default}
 */
public record StepSpec(Integer set, String algorithm, String key, String partition) {
    public StepSpec(Integer set, String algorithm, String key) {
        this(set, algorithm, key, null);
    }

    public StepSpec {
        if (set == null || set < 0) {
            throw new IllegalArgumentException("a dispatch step needs 'set', a set id");
        }
        algorithm = algorithm == null ? "round-robin" : algorithm.trim();
    }
}
