package io.sipdispatch.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.server.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite is the embedded default: a missing database file is made at first start, or by {@code db init}. */
class SqliteDefaultTest {
    static final String CONFIG = """
        listen: [ udp:127.0.0.1:5060 ]
        dispatcher:
          db_url: sqlite://DB
        routes:
          - dispatch: { set: 1, algorithm: 4 }
        """;

    @Test
    void aMissingSqliteFileIsCreatedWithTheSchemaAndTheExampleRowsAndAnOperatorsEditIsRead(@TempDir Path dir)
        throws Exception {
        Path config = dir.resolve("sipdispatch.yaml");
        Files.writeString(config, CONFIG.replace("DB", "ds.db"));
        SipdispatchServer.Prepared first = SipdispatchServer.prepare(config);
        assertThat(dir.resolve("ds.db")).isRegularFile();
        assertThat(first.snapshot().table().destinations()).extracting(d -> d.uri())
            .containsExactlyInAnyOrder("sip:127.0.0.1:5071", "sip:127.0.0.1:5072", "sip:127.0.0.1:5073");
        first.discard();
        // What an operator does with the sqlite3 shell, then the next start reads it.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ds.db"));
             Statement st = c.createStatement()) {
            st.execute("DELETE FROM dispatcher WHERE destination = 'sip:127.0.0.1:5073'");
        }
        SipdispatchServer.Prepared second = SipdispatchServer.prepare(config);
        assertThat(second.snapshot().table().destinations()).hasSize(2);
        second.discard();
    }

    @Test
    void dbInitCreatesTheTablesOnDemandAndRefusesToTouchExistingOnes(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("sipdispatch.yaml");
        Files.writeString(config, CONFIG.replace("DB", "made.db"));
        assertThat(Main.run("db", "init", config.toString())).isZero();
        assertThat(dir.resolve("made.db")).isRegularFile();
        assertThat(Main.run("db", "init", config.toString())).isEqualTo(1);
        assertThat(SipdispatchServer.prepare(config).snapshot().table().destinations()).hasSize(3);
    }

    @Test
    void anUnreachableDatabaseAtStartIsAConfigurationErrorWithTheReason(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("sipdispatch.yaml");
        Files.writeString(config, CONFIG.replace("sqlite://DB", "postgres://nobody@127.0.0.1:1/none"));
        try {
            SipdispatchServer.prepare(config);
            org.assertj.core.api.Assertions.fail("started without its database");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).contains("postgres://nobody@127.0.0.1:1/none table dispatcher");
        }
    }
}
