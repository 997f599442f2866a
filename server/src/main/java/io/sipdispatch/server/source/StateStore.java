package io.sipdispatch.server.source;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.server.config.DbSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistent state (OpenSIPS's {@code persistent_state}): a destination's state, as the keepalives, failover
 * and the operator leave it, is written back to its database and read at start, so that a restart does not
 * send calls to a box that was down, or bring back one the operator had disabled.
 *
 * <p>With OpenSIPS's schema the state goes where OpenSIPS keeps it, the row's {@code state} column (0 active,
 * 1 disabled, 2 inactive), and the load reads it back like any column. With Kamailio's schema it goes to a
 * table of sipdispatch's own ({@code state_table}: identity, state bits, and the provisioned state they were
 * written over), never into {@code flags}, which Kamailio also reads as the operator's. At start a saved state
 * is applied only where the row's provisioned state is still what it was when the state was saved: an edit
 * made while sipdispatch was stopped wins.
 *
 * <p>A change only marks the destination dirty (a map put, on whatever thread made it); one background thread
 * writes what is dirty every {@code state_flush}, in one batch. SIP never waits on the database. A write
 * that fails is logged once until one succeeds again, and its states are written by the next flush.
 */
public final class StateStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StateStore.class);

    /** What a flush writes for one destination. */
    private record Dirty(String identity, String rowId, int state, int provisioned) {
    }

    private final DbSource db;
    private final DbSettings s;
    /**
     * The destinations changed since the last flush, by identity. The state is read when the flush writes,
     * not when the change is noted: two loops noting changes of one destination in the other order must not
     * leave the older state to be written.
     */
    private final ConcurrentHashMap<String, Destination> dirty = new ConcurrentHashMap<>();
    private final ScheduledExecutorService writer;
    private volatile boolean failing;

    private StateStore(DbSource db) {
        this.db = db;
        this.s = db.settings();
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sipdispatch-state");
            t.setDaemon(true);
            return t;
        });
        long every = s.stateFlush().toMillis();
        writer.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * The store of {@code source}, or null when it has none: a list file, or {@code persistent_state} off.
     * With Kamailio's schema the state table is created when missing.
     */
    public static StateStore of(DestinationSource source) throws SourceException {
        if (!(source instanceof DbSource db) || !db.settings().persistentState()) {
            return null;
        }
        if (!db.settings().opensips()) {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + db.settings().stateTable()
                    + " (identity VARCHAR(255) NOT NULL PRIMARY KEY, state INTEGER NOT NULL,"
                    + " provisioned INTEGER NOT NULL, updated BIGINT NOT NULL)");
            } catch (SQLException e) {
                throw new SourceException(db.describe() + ": cannot create the state table '"
                    + db.settings().stateTable() + "' (" + DbSource.reason(e) + "); set db.persistent_state: false"
                    + " to run without it", e);
            }
        }
        return new StateStore(db);
    }

    /**
     * Puts the saved states into {@code table} (Kamailio's schema; OpenSIPS's rows carry theirs already);
     * returns how many destinations took one.
     */
    public int restore(DispatchTable table) throws SourceException {
        if (s.opensips()) {
            return 0;
        }
        Map<String, int[]> saved = new HashMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT identity, state, provisioned FROM " + s.stateTable())) {
            while (rs.next()) {
                saved.put(rs.getString(1), new int[] {rs.getInt(2), rs.getInt(3)});
            }
        } catch (SQLException e) {
            throw new SourceException(db.describe() + ": cannot read the state table '" + s.stateTable() + "': "
                + DbSource.reason(e), e);
        }
        int n = 0;
        for (Destination d : table.destinations()) {
            int[] v = saved.get(d.identity());
            if (v != null && v[1] == d.record().state() && v[0] != d.state()) {
                d.updateState(v[0] & DestinationFlags.ALL, DestinationFlags.ALL);
                n++;
            }
        }
        return n;
    }

    /** {@code d}'s state changed: written by the next flush. Never blocks. */
    public void changed(Destination d) {
        dirty.put(d.identity(), d);
    }

    /** Writes what is dirty now, in one batch and one transaction; what fails stays dirty. */
    public void flush() throws SourceException {
        if (dirty.isEmpty()) {
            return;
        }
        List<Dirty> batch = new ArrayList<>();
        List<Destination> taken = new ArrayList<>();
        for (String k : List.copyOf(dirty.keySet())) {
            Destination d = dirty.remove(k);
            if (d != null) {
                taken.add(d);
                batch.add(new Dirty(d.identity(), d.record().rowId(), d.state(), d.record().state()));
            }
        }
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                if (s.opensips()) {
                    writeStateColumn(c, batch);
                } else {
                    writeStateTable(c, batch);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            for (Destination d : taken) {
                dirty.putIfAbsent(d.identity(), d); // written by the next flush, in the state it has then
            }
            throw new SourceException(db.describe() + ": cannot write " + batch.size() + " state(s): "
                + DbSource.reason(e), e);
        }
    }

    private void writeStateColumn(Connection c, List<Dirty> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + s.tableName() + " SET " + s.stateCol()
            + " = ? WHERE " + s.idCol() + " = ?")) {
            for (Dirty v : batch) {
                if (v.rowId() == null) {
                    continue;
                }
                ps.setInt(1, DbSchema.openSipsState(v.state()));
                try {
                    ps.setLong(2, Long.parseLong(v.rowId()));
                } catch (NumberFormatException e) {
                    ps.setString(2, v.rowId()); // a table whose id is not a number
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void writeStateTable(Connection c, List<Dirty> batch) throws SQLException {
        // Delete and insert rather than each server's own upsert: the same SQL on SQLite, PostgreSQL and MariaDB.
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + s.stateTable() + " WHERE identity = ?");
             PreparedStatement ins = c.prepareStatement("INSERT INTO " + s.stateTable()
                 + " (identity, state, provisioned, updated) VALUES (?, ?, ?, ?)")) {
            long now = System.currentTimeMillis();
            for (Dirty v : batch) {
                del.setString(1, v.identity());
                del.addBatch();
                ins.setString(1, v.identity());
                ins.setInt(2, v.state());
                ins.setInt(3, v.provisioned());
                ins.setLong(4, now);
                ins.addBatch();
            }
            del.executeBatch();
            ins.executeBatch();
        }
    }

    private void flushQuietly() {
        try {
            flush();
            if (failing) {
                failing = false;
                log.info("{}: state writes work again", db.describe());
            }
        } catch (SourceException e) {
            if (!failing) {
                failing = true;
                log.warn("{} (retried every {} ms; logged again only once they work)", e.getMessage(),
                    s.stateFlush().toMillis());
            }
        } catch (RuntimeException e) {
            log.warn("{}: state write failed", db.describe(), e);
        }
    }

    /** How many changes wait for the next flush. */
    public int pending() {
        return dirty.size();
    }

    /** Writes what is left, then stops the writer. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flush();
        } catch (SourceException e) {
            log.warn("{} at stop", e.getMessage());
        }
    }
}
