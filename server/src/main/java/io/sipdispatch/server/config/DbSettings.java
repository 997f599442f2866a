package io.sipdispatch.server.config;

import java.time.Duration;

/**
 * How the {@code dispatcher} table is read (with {@code dispatcher.db_url}): which schema, and every table and
 * column name, as the seeds' {@code table_name}, {@code setid_col} … parameters name them. A null column name
 * is the schema's own.
 *
 * @param schema       {@code kamailio} (version 4: id, setid, destination, flags, priority, attrs, description)
 *                     or {@code opensips} (version 9: id, setid, destination, socket, state, probe_mode, weight,
 *                     priority, attrs, description)
 * @param checkVersion whether the {@code version} table must give the schema's version for the table
 * @param badRows      {@code fail} (default): a bad row fails the load and the running table stays;
 *                     {@code skip}: a bad row is logged with its id and reason and left out
 * @param poolSize     connections kept open (loads and state writes; never the event loops)
 * @param timeout      how long a connection or a query may take before the load fails
 * @param persistentState whether state changes are written back and read at start (OpenSIPS
 *                     {@code persistent_state}, default true): to the {@code state} column with OpenSIPS's schema,
 *                     to {@code state_table} with Kamailio's, whose {@code flags} Kamailio itself also reads
 * @param stateTable   the table of sipdispatch's own that keeps the state with Kamailio's schema
 * @param stateFlush   how often the changed states are written, in one batch
 */
public record DbSettings(String schema, String tableName, String idCol, String setidCol, String destinationCol,
                         String flagsCol, String priorityCol, String attrsCol, String descriptionCol,
                         String socketCol, String stateCol, String probeModeCol, String weightCol,
                         Boolean checkVersion, String badRows, Integer poolSize, Duration timeout,
                         Boolean persistentState, String stateTable, Duration stateFlush) {
    public static final DbSettings DEFAULT = new DbSettings(null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null);

    public DbSettings {
        schema = schema == null ? "kamailio" : schema;
        if (!schema.equals("kamailio") && !schema.equals("opensips")) {
            throw new IllegalArgumentException("db.schema must be 'kamailio' or 'opensips', not '" + schema + "'");
        }
        tableName = name("table_name", tableName, "dispatcher");
        idCol = name("id_col", idCol, "id");
        setidCol = name("setid_col", setidCol, "setid");
        destinationCol = name("destination_col", destinationCol, "destination");
        flagsCol = name("flags_col", flagsCol, "flags");
        priorityCol = name("priority_col", priorityCol, "priority");
        attrsCol = name("attrs_col", attrsCol, "attrs");
        descriptionCol = name("description_col", descriptionCol, "description");
        socketCol = name("socket_col", socketCol, "socket");
        stateCol = name("state_col", stateCol, "state");
        probeModeCol = name("probe_mode_col", probeModeCol, "probe_mode");
        weightCol = name("weight_col", weightCol, "weight");
        checkVersion = checkVersion == null ? Boolean.TRUE : checkVersion;
        badRows = badRows == null ? "fail" : badRows;
        if (!badRows.equals("fail") && !badRows.equals("skip")) {
            throw new IllegalArgumentException("db.bad_rows must be 'fail' or 'skip', not '" + badRows + "'");
        }
        poolSize = poolSize == null ? 2 : poolSize;
        if (poolSize < 1 || poolSize > 32) {
            throw new IllegalArgumentException("db.pool_size must be from 1 to 32");
        }
        timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
        if (timeout.toMillis() < 250) {
            throw new IllegalArgumentException("db.timeout must be at least 250ms");
        }
        persistentState = persistentState == null ? Boolean.TRUE : persistentState;
        stateTable = name("state_table", stateTable, "dispatcher_state");
        stateFlush = stateFlush == null ? Duration.ofSeconds(1) : stateFlush;
        if (stateFlush.toMillis() < 10) {
            throw new IllegalArgumentException("db.state_flush must be at least 10ms");
        }
    }

    /** A table or column name: letters, digits and underscores only, since it goes into SQL as it is. */
    private static String name(String key, String value, String dflt) {
        if (value == null) {
            return dflt;
        }
        if (!value.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            throw new IllegalArgumentException("db." + key + " '" + value + "' is not a plain SQL name");
        }
        return value;
    }

    public boolean opensips() {
        return schema.equals("opensips");
    }

    /** The {@code version} table's figure for the schema: Kamailio's dispatcher 4, OpenSIPS's 9. */
    public int expectedVersion() {
        return opensips() ? 9 : 4;
    }

    public boolean skipBadRows() {
        return badRows.equals("skip");
    }
}
