package io.sipdispatch.server.source;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sipdispatch.dispatcher.Attributes;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DestinationRecord;
import io.sipdispatch.server.config.DbSettings;
import io.sipdispatch.sip.SipUri;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destinations from a {@code dispatcher} table over JDBC, in Kamailio's schema (version 4) or OpenSIPS's
 * (version 9), with the column names the configuration gives. Connections come from a small pool, used only
 * by loads and management threads, never by the event loops.
 *
 * <p>OpenSIPS's columns are read into sipdispatch's model: {@code state} 0 is active, 1 (inactive: taken out
 * by the operator, not probed) is disabled, 2 (probing) is inactive under probing; {@code probe_mode} 1 sets
 * the probing bit; {@code weight} and {@code socket} become the attributes of those names (a FreeSWITCH
 * {@code fs://} weight is kept as {@code weight_url}, with weight 1 until it is fetched).
 */
public final class DbSource implements DestinationSource {
    private static final Logger log = LoggerFactory.getLogger(DbSource.class);

    private final DbUrl url;
    private final DbSettings s;
    private final String shown;
    private volatile HikariDataSource pool;

    public DbSource(DbUrl url, DbSettings settings, String shownUrl) {
        this.url = url;
        this.s = settings;
        this.shown = shownUrl;
    }

    @Override
    public String describe() {
        return DbUrl.redact(shown) + " table " + s.tableName();
    }

    public DbUrl url() {
        return url;
    }

    public DbSettings settings() {
        return s;
    }

    private HikariDataSource pool() {
        HikariDataSource p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    HikariConfig c = new HikariConfig();
                    c.setJdbcUrl(url.jdbcUrl());
                    if (url.user() != null) {
                        c.setUsername(url.user());
                    }
                    if (url.password() != null) {
                        c.setPassword(url.password());
                    }
                    c.setPoolName("sipdispatch-db");
                    c.setMaximumPoolSize(s.poolSize());
                    c.setMinimumIdle(0);
                    c.setConnectionTimeout(s.timeout().toMillis());
                    c.setValidationTimeout(Math.min(s.timeout().toMillis(), 5000));
                    // Start without a connection: a database that is down at start is reported by the load,
                    // with its reason, rather than by the pool's constructor.
                    c.setInitializationFailTimeout(-1);
                    pool = new HikariDataSource(c);
                }
                p = pool;
            }
        }
        return p;
    }

    Connection connect() throws SQLException {
        return pool().getConnection();
    }

    @Override
    public List<DestinationRecord> load() throws SourceException {
        try (Connection c = connect()) {
            if (s.checkVersion()) {
                checkVersion(c);
            }
            return read(c);
        } catch (SQLException e) {
            throw new SourceException(describe() + ": " + reason(e), e);
        }
    }

    private void checkVersion(Connection c) throws SourceException {
        try (PreparedStatement st = c.prepareStatement("SELECT table_version FROM version WHERE table_name = ?")) {
            st.setQueryTimeout(timeoutSeconds());
            st.setString(1, s.tableName());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new SourceException(describe() + ": the version table has no row for '" + s.tableName()
                        + "' (" + s.schema() + " schema version " + s.expectedVersion() + " expected)");
                }
                int v = rs.getInt(1);
                if (v != s.expectedVersion()) {
                    throw new SourceException(describe() + ": table version " + v + ", but the " + s.schema()
                        + " schema is version " + s.expectedVersion() + " (set db.schema, or db.check_version: false)");
                }
            }
        } catch (SQLException e) {
            throw new SourceException(describe() + ": cannot read the version table (" + reason(e)
                + "); set db.check_version: false for a table without one", e);
        }
    }

    private List<DestinationRecord> read(Connection c) throws SQLException, SourceException {
        List<String> cols = new ArrayList<>(List.of(s.idCol(), s.setidCol(), s.destinationCol()));
        if (s.opensips()) {
            cols.addAll(List.of(s.socketCol(), s.stateCol(), s.probeModeCol(), s.weightCol()));
        } else {
            cols.add(s.flagsCol());
        }
        cols.addAll(List.of(s.priorityCol(), s.attrsCol(), s.descriptionCol()));
        String sql = "SELECT " + String.join(", ", cols) + " FROM " + s.tableName() + " ORDER BY " + s.idCol();
        List<DestinationRecord> out = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(timeoutSeconds());
            st.setFetchSize(1000);
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    try {
                        out.add(s.opensips() ? openSipsRow(rs, id) : kamailioRow(rs, id));
                    } catch (IllegalArgumentException e) {
                        String why = describe() + " row id " + id + ": " + e.getMessage();
                        if (!s.skipBadRows()) {
                            throw new SourceException(why);
                        }
                        log.warn("{} (skipped)", why);
                    }
                }
            }
        }
        return out;
    }

    private static DestinationRecord kamailioRow(ResultSet rs, String id) throws SQLException {
        int setId = setId(rs.getInt(2), rs.wasNull());
        String uri = uri(rs.getString(3));
        int flags = rs.getInt(4);
        if (flags < 0) {
            throw new IllegalArgumentException("negative flags " + flags);
        }
        int priority = rs.getInt(5);
        Attributes attrs = attrs(rs.getString(6), Map.of());
        return new DestinationRecord(setId, uri, flags, priority, attrs, nullToEmpty(rs.getString(7)), id);
    }

    private static DestinationRecord openSipsRow(ResultSet rs, String id) throws SQLException {
        int setId = setId(rs.getInt(2), rs.wasNull());
        String uri = uri(rs.getString(3));
        String socket = rs.getString(4);
        int state = rs.getInt(5);
        int probeMode = rs.getInt(6);
        String weight = rs.getString(7);
        int priority = rs.getInt(8);
        int flags = switch (state) {
            case 0 -> 0;
            case 1 -> DestinationFlags.DISABLED;
            case 2 -> DestinationFlags.INACTIVE | DestinationFlags.PROBING;
            default -> throw new IllegalArgumentException("state " + state + " is not 0 (active), 1 (inactive) or 2 (probing)");
        };
        if (probeMode == 1) {
            flags |= DestinationFlags.PROBING;
        } else if (probeMode != 0) {
            throw new IllegalArgumentException("probe_mode " + probeMode + " is not 0 or 1");
        }
        Map<String, String> extra = new LinkedHashMap<>();
        String w = weight == null ? "" : weight.strip();
        if (w.startsWith("fs://")) {
            extra.put("weight_url", w);
        } else if (!w.isEmpty()) {
            if (!w.matches("\\d{1,9}")) {
                throw new IllegalArgumentException("weight '" + w + "' is neither a number nor an fs:// URL");
            }
            extra.put("weight", w);
        }
        if (socket != null && !socket.isBlank()) {
            extra.put("socket", socket.strip());
        }
        Attributes attrs = attrs(rs.getString(9), extra);
        return new DestinationRecord(setId, uri, flags, priority, attrs, nullToEmpty(rs.getString(10)), id);
    }

    private static int setId(int v, boolean wasNull) {
        if (wasNull || v < 0) {
            throw new IllegalArgumentException("setid must be a non-negative number");
        }
        return v;
    }

    private static String uri(String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("no destination");
        }
        String u = v.strip();
        SipUri parsed = SipUri.tryParse(u);
        if (parsed == null || !parsed.isSip()) {
            throw new IllegalArgumentException("destination is not a sip: or sips: URI: " + u);
        }
        return u;
    }

    /** The attrs column with {@code extra} (from other columns) in place of attributes of the same name. */
    private static Attributes attrs(String column, Map<String, String> extra) {
        Attributes a;
        try {
            a = Attributes.parse(column);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attrs: " + e.getMessage());
        }
        if (extra.isEmpty()) {
            return a;
        }
        StringBuilder sb = new StringBuilder();
        Map<String, String> all = new LinkedHashMap<>(a.asMap());
        all.putAll(extra);
        for (Map.Entry<String, String> e : all.entrySet()) {
            String v = e.getValue();
            sb.append(sb.length() == 0 ? "" : ";").append(e.getKey()).append('=')
                .append(v.indexOf(';') >= 0 ? "\"" + v + "\"" : v);
        }
        return Attributes.parse(sb.toString());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private int timeoutSeconds() {
        return (int) Math.max(1, s.timeout().toSeconds());
    }

    static String reason(SQLException e) {
        String m = e.getMessage();
        Throwable c = e.getCause();
        while ((m == null || m.isBlank()) && c != null) {
            m = c.getMessage();
            c = c.getCause();
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** Whether the dispatcher table exists. */
    public boolean tableExists() throws SourceException {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getTables(null, null, null, new String[] {"TABLE"})) {
            while (rs.next()) {
                if (s.tableName().equalsIgnoreCase(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
            return false;
        } catch (SQLException e) {
            throw new SourceException(describe() + ": " + reason(e), e);
        }
    }

    /**
     * Creates the {@code version} and {@code dispatcher} tables of the schema, with {@code rows}, in one
     * transaction (where the database has transactional DDL). Refuses when the table exists.
     */
    public void init(List<DestinationRecord> rows) throws SourceException {
        if (tableExists()) {
            throw new SourceException(describe() + ": the table exists already; nothing was changed");
        }
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String ddl : DbSchema.ddl(url.kind(), s)) {
                    st.execute(ddl);
                }
            }
            insert(c, rows);
            c.commit();
        } catch (SQLException e) {
            throw new SourceException(describe() + ": cannot create the tables: " + reason(e), e);
        }
    }

    /** Inserts {@code rows} in the table's schema (their row ids are not used: the database numbers them). */
    void insert(Connection c, List<DestinationRecord> rows) throws SQLException {
        List<String> cols = new ArrayList<>(List.of(s.setidCol(), s.destinationCol()));
        if (s.opensips()) {
            cols.addAll(List.of(s.stateCol(), s.weightCol()));
        } else {
            cols.add(s.flagsCol());
        }
        cols.addAll(List.of(s.priorityCol(), s.attrsCol(), s.descriptionCol()));
        String sql = "INSERT INTO " + s.tableName() + " (" + String.join(", ", cols) + ") VALUES ("
            + "?, ".repeat(cols.size() - 1) + "?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (DestinationRecord r : rows) {
                int i = 1;
                ps.setInt(i++, r.setId());
                ps.setString(i++, r.uri());
                if (s.opensips()) {
                    ps.setInt(i++, DbSchema.openSipsState(r.state()));
                    ps.setString(i++, Integer.toString(r.attrs().weight(1)));
                } else {
                    ps.setInt(i++, r.flags());
                }
                ps.setInt(i++, r.priority());
                ps.setString(i++, r.attrs().raw());
                ps.setString(i++, r.description());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public void close() {
        HikariDataSource p = pool;
        if (p != null) {
            p.close();
        }
    }
}
