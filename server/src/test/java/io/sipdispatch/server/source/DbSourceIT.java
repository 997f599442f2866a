package io.sipdispatch.server.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DestinationState;
import io.sipdispatch.dispatcher.DispatchTable;
import io.sipdispatch.dispatcher.DestinationRecord;
import io.sipdispatch.server.config.DbSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both schemas read from real SQLite, PostgreSQL and MariaDB databases (private throwaway servers): tables
 * made by {@code db init}, rows written with plain SQL as a provisioning system would, renamed columns, the
 * version check, and bad rows refused or skipped.
 */
class DbSourceIT {
    enum Backend { SQLITE, POSTGRES, MARIADB }

    static Path sqliteDir;
    static ThrowawayDatabase postgres;
    static ThrowawayDatabase mariadb;

    @BeforeAll
    static void start() throws Exception {
        sqliteDir = Files.createTempDirectory("sipdispatch-sqlite-");
        postgres = ThrowawayDatabase.start(ThrowawayDatabase.Kind.POSTGRES);
        mariadb = ThrowawayDatabase.start(ThrowawayDatabase.Kind.MARIADB);
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
        if (mariadb != null) {
            mariadb.close();
        }
    }

    static String url(Backend b) {
        return switch (b) {
            case SQLITE -> "sqlite://" + sqliteDir.resolve("ds.db");
            case POSTGRES -> postgres.operatorUrl();
            case MARIADB -> mariadb.operatorUrl();
        };
    }

    static Connection connect(Backend b) throws Exception {
        return switch (b) {
            case SQLITE -> DriverManager.getConnection("jdbc:sqlite:" + sqliteDir.resolve("ds.db"));
            case POSTGRES -> postgres.connect();
            case MARIADB -> mariadb.connect();
        };
    }

    /** DbSettings as the YAML would give them. */
    static DbSettings settings(Map<String, Object> yaml) {
        ObjectMapper m = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        return m.convertValue(yaml, DbSettings.class);
    }

    static DbSource source(Backend b, Map<String, Object> yaml) {
        return new DbSource(DbUrl.parse(url(b), null), settings(yaml), url(b));
    }

    static void sql(Backend b, String... statements) throws Exception {
        try (Connection c = connect(b); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void kamailiosSchemaLoadsWithFlagsPriorityAndAttrs(Backend b) throws Exception {
        try (DbSource s = source(b, Map.of("table_name", "ds_kam"))) {
            s.init(DbSchema.EXAMPLE);
            assertThatThrownBy(() -> s.init(DbSchema.EXAMPLE)).hasMessageContaining("exists already");
            sql(b, "INSERT INTO ds_kam (setid, destination, flags, priority, attrs, description) "
                + "VALUES (2, 'sip:10.0.0.9:5080;transport=tcp', 9, 7, 'duid=gw9;maxload=30', 'PSTN gateway')");
            List<DestinationRecord> rows = s.load();
            assertThat(rows).hasSize(4);
            assertThat(rows.subList(0, 3)).extracting(DestinationRecord::uri)
                .containsExactly("sip:127.0.0.1:5071", "sip:127.0.0.1:5072", "sip:127.0.0.1:5073");
            DestinationRecord gw = rows.get(3);
            assertThat(gw.setId()).isEqualTo(2);
            assertThat(gw.state()).isEqualTo(DestinationFlags.INACTIVE | DestinationFlags.PROBING);
            assertThat(gw.priority()).isEqualTo(7);
            assertThat(gw.attrs().maxload()).isEqualTo(30);
            assertThat(gw.description()).isEqualTo("PSTN gateway");
            assertThat(gw.rowId()).isEqualTo("4");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void openSipsSchemaWithRenamedColumnsReadsStateProbeModeWeightAndSocket(Backend b) throws Exception {
        Map<String, Object> yaml = Map.of("schema", "opensips", "table_name", "lb_targets", "setid_col", "grp",
            "destination_col", "dst", "state_col", "dststate", "weight_col", "w", "socket_col", "sock");
        try (DbSource s = source(b, yaml)) {
            s.init(List.of());
            sql(b, "INSERT INTO lb_targets (grp, dst, sock, dststate, probe_mode, w, priority, attrs, description) VALUES "
                    + "(1, 'sip:10.0.0.1', 'udp:10.0.0.100:5060', 0, 1, '5', 3, 'duid=a', 'first')",
                "INSERT INTO lb_targets (grp, dst, dststate, w) VALUES (1, 'sip:10.0.0.2', 1, 'fs://user:pw@10.0.0.2:8021')",
                "INSERT INTO lb_targets (grp, dst, dststate, w) VALUES (1, 'sip:10.0.0.3', 2, '1')");
            List<DestinationRecord> rows = s.load();
            assertThat(rows).hasSize(3);
            DestinationRecord a = rows.get(0);
            assertThat(a.state()).isEqualTo(DestinationFlags.PROBING);
            assertThat(a.attrs().weight(1)).isEqualTo(5);
            assertThat(a.attrs().socket()).isEqualTo("udp:10.0.0.100:5060");
            assertThat(a.attrs().duid()).isEqualTo("a");
            assertThat(a.priority()).isEqualTo(3);
            assertThat(rows.get(1).state()).isEqualTo(DestinationFlags.DISABLED);
            assertThat(rows.get(1).attrs().get("weight_url")).isEqualTo("fs://user:pw@10.0.0.2:8021");
            assertThat(rows.get(2).state()).isEqualTo(DestinationFlags.INACTIVE | DestinationFlags.PROBING);
            assertThat(rows.get(2).description()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theVersionTableMustMatchTheSchema(Backend b) throws Exception {
        try (DbSource s = source(b, Map.of("table_name", "ds_ver"))) {
            s.init(DbSchema.EXAMPLE);
            sql(b, "UPDATE version SET table_version = 9 WHERE table_name = 'ds_ver'");
            assertThatThrownBy(s::load).isInstanceOf(SourceException.class)
                .hasMessageContaining("table version 9, but the kamailio schema is version 4");
        }
        try (DbSource s = source(b, Map.of("table_name", "ds_ver", "check_version", false))) {
            assertThat(s.load()).hasSize(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aBadRowFailsTheLoadOrIsSkippedByTheLoadMode(Backend b) throws Exception {
        try (DbSource s = source(b, Map.of("table_name", "ds_bad"))) {
            s.init(DbSchema.EXAMPLE);
            sql(b, "INSERT INTO ds_bad (setid, destination, flags, priority, attrs, description) "
                + "VALUES (1, 'http://not-sip', 0, 0, '', '')");
            assertThatThrownBy(s::load).isInstanceOf(SourceException.class)
                .hasMessageContaining("row id 4").hasMessageContaining("not a sip: or sips: URI");
        }
        try (DbSource s = source(b, Map.of("table_name", "ds_bad", "bad_rows", "skip"))) {
            assertThat(s.load()).extracting(DestinationRecord::rowId).containsExactly("1", "2", "3");
        }
    }

    static int intOf(Backend b, String query) throws Exception {
        try (Connection c = connect(b); Statement st = c.createStatement(); var rs = st.executeQuery(query)) {
            assertThat(rs.next()).as(query).isTrue();
            return rs.getInt(1);
        }
    }

    static Destination byDuid(DispatchTable t, String duid) {
        return t.destinations().stream().filter(d -> duid.equals(d.record().attrs().duid())).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void withKamailiosSchemaStateGoesToItsOwnTableNotFlagsAndComesBackUnlessTheRowWasEdited(Backend b)
        throws Exception {
        Map<String, Object> yaml = Map.of("table_name", "ds_pk", "state_table", "ds_pk_state");
        try (DbSource s = source(b, yaml)) {
            s.init(DbSchema.EXAMPLE);
            DispatchTable running = DispatchTable.build(s.load(), null);
            try (StateStore store = StateStore.of(s)) {
                byDuid(running, "b1").setAdmin(DestinationState.Admin.DISABLED);
                byDuid(running, "b2").updateState(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 0);
                byDuid(running, "b3").setAdmin(DestinationState.Admin.DRAINING);
                running.destinations().forEach(store::changed);
                assertThat(store.pending()).isEqualTo(3);
                store.flush();
                assertThat(store.pending()).isZero();
            }
            assertThat(intOf(b, "SELECT SUM(flags) FROM ds_pk")).as("the flags column is Kamailio's").isZero();
            // The operator edits b3's row while sipdispatch is stopped: the edit wins over the saved state.
            sql(b, "UPDATE ds_pk SET flags = 8 WHERE destination = 'sip:127.0.0.1:5073'");
            DispatchTable restarted = DispatchTable.build(s.load(), null);
            try (StateStore store = StateStore.of(s)) {
                assertThat(store.restore(restarted)).isEqualTo(2);
            }
            assertThat(byDuid(restarted, "b1").state()).isEqualTo(DestinationFlags.DISABLED);
            assertThat(byDuid(restarted, "b2").state()).isEqualTo(DestinationFlags.INACTIVE | DestinationFlags.PROBING);
            assertThat(byDuid(restarted, "b3").state()).isEqualTo(DestinationFlags.PROBING);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void withOpenSipsSchemaStateGoesToTheStateColumnAndTheNextLoadReadsIt(Backend b) throws Exception {
        Map<String, Object> yaml = Map.of("schema", "opensips", "table_name", "ds_po", "state_col", "st");
        try (DbSource s = source(b, yaml)) {
            s.init(DbSchema.EXAMPLE);
            DispatchTable running = DispatchTable.build(s.load(), null);
            try (StateStore store = StateStore.of(s)) {
                Destination b1 = byDuid(running, "b1");
                b1.setAdmin(DestinationState.Admin.DISABLED);
                store.changed(b1);
                Destination b2 = byDuid(running, "b2");
                b2.updateState(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 0);
                store.changed(b2);
            } // closing writes what is pending
            assertThat(intOf(b, "SELECT st FROM ds_po WHERE destination = 'sip:127.0.0.1:5071'")).isEqualTo(1);
            assertThat(intOf(b, "SELECT st FROM ds_po WHERE destination = 'sip:127.0.0.1:5072'")).isEqualTo(2);
            assertThat(intOf(b, "SELECT st FROM ds_po WHERE destination = 'sip:127.0.0.1:5073'")).isZero();
            DispatchTable restarted = DispatchTable.build(s.load(), null);
            assertThat(byDuid(restarted, "b1").state()).isEqualTo(DestinationFlags.DISABLED);
            assertThat(byDuid(restarted, "b2").state()).isEqualTo(DestinationFlags.INACTIVE | DestinationFlags.PROBING);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void withoutPersistentStateNothingIsWritten(Backend b) throws Exception {
        try (DbSource s = source(b, Map.of("table_name", "ds_pn", "persistent_state", false))) {
            s.init(DbSchema.EXAMPLE);
            assertThat(StateStore.of(s)).isNull();
        }
    }
}

