package io.sipdispatch.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One partition of destinations (OpenSIPS's {@code partition}): its own source, sets, probing and blacklists.
 * The {@code dispatcher} section itself is the partition named {@code default}; others are under
 * {@code dispatcher.partitions}.
 *
 * @param listFile   a Kamailio {@code dispatcher.list}, relative to the configuration file
 * @param dbUrl      or a {@code dispatcher} table's database; exactly one of the two
 * @param db         the table's schema and names
 * @param probing    how its destinations are watched; absent = the default partition's
 * @param blacklists named lists of the addresses of some of its sets ({@code ds_define_blacklist
 *                   "name = 1,4,3"}): a route that uses one never forwards to an IP on it
 */
public record PartitionSettings(String listFile, String dbUrl, DbSettings db, ProbingSettings probing,
                                Map<String, List<Integer>> blacklists) {
    public PartitionSettings {
        boolean hasList = listFile != null && !listFile.isBlank();
        boolean hasDb = dbUrl != null && !dbUrl.isBlank();
        if (hasList == hasDb) {
            throw new IllegalArgumentException("the destinations come from exactly one of 'list_file' (a Kamailio"
                + " dispatcher.list) and 'db_url' (a dispatcher table)");
        }
        db = db == null ? DbSettings.DEFAULT : db;
        blacklists = blacklists == null ? Map.of() : copy(blacklists);
    }

    private static Map<String, List<Integer>> copy(Map<String, List<Integer>> lists) {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        lists.forEach((name, sets) -> {
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("blacklist name '" + name + "': letters, digits, _ . - only");
            }
            if (sets == null || sets.isEmpty() || sets.stream().anyMatch(s -> s == null || s < 0)) {
                throw new IllegalArgumentException("blacklist '" + name + "' needs one or more set ids");
            }
            out.put(name, List.copyOf(sets));
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    /** The same partition probing as {@code dflt} when it names no probing of its own. */
    PartitionSettings withDefaultProbing(ProbingSettings dflt) {
        return probing != null ? this : new PartitionSettings(listFile, dbUrl, db, dflt, blacklists);
    }
}
