package io.sipdispatch.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.server.SipdispatchServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persistent state across a restart, with the embedded SQLite database: a destination the keepalives took
 * down is written back in the background, and the next start begins with it down, before any probe, while
 * Kamailio's {@code flags} column is left as the operator wrote it.
 */
class PersistentStateIT {
    @TempDir
    Path dir;

    void writeConfig(int port, String interval, int deadPort) throws Exception {
        Files.writeString(dir.resolve("sipdispatch.yaml"), E2e.listenEverywhere(port) + """
            dispatcher:
              db_url: sqlite://ds.db
              db: { state_flush: 50ms }
              probing: { interval: INTERVAL, timeout: 300ms, mode: all, threshold: 1 }
            routes:
              - dispatch: { set: 1 }
            """.replace("INTERVAL", interval));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ds.db"));
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS version (table_name VARCHAR(32), table_version INTEGER)");
            st.execute("CREATE TABLE IF NOT EXISTS dispatcher (id INTEGER PRIMARY KEY AUTOINCREMENT, setid INTEGER,"
                + " destination VARCHAR(192), flags INTEGER, priority INTEGER, attrs VARCHAR(128), description VARCHAR(64))");
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM version")) {
                if (rs.next() && rs.getInt(1) == 0) {
                    st.execute("INSERT INTO version VALUES ('dispatcher', 4)");
                    st.execute("INSERT INTO dispatcher (setid, destination, flags, priority, attrs, description) VALUES"
                        + " (1, 'sip:127.0.0.1:" + deadPort + "', 0, 0, 'duid=dead', 'nobody listens')");
                }
            }
        }
    }

    static Destination dead(SipdispatchServer.Prepared p) {
        return p.snapshot().table().destinations().get(0);
    }

    @Test
    void aDestinationTakenDownBeforeAStopStartsDownAfterIt() throws Exception {
        int deadPort = FreePorts.udpAndTcp();
        writeConfig(FreePorts.udpAndTcp(), "200ms", deadPort);
        SipdispatchServer first = SipdispatchServer.prepare(dir.resolve("sipdispatch.yaml")).start();
        try {
            Destination d = first.snapshot().table().destinations().get(0);
            assertThat(DestinationFlags.code(d.state())).isEqualTo("AX");
            await().atMost(Duration.ofSeconds(10)).until(() -> (d.state() & DestinationFlags.INACTIVE) != 0);
            // Written in the background, without a stop: the table of sipdispatch's own has it.
            await().atMost(Duration.ofSeconds(5)).until(() -> savedState("1/dead") == d.state());
        } finally {
            first.close();
        }
        // An hour's interval: nothing probes it before the assertion; the state is the saved one.
        writeConfig(FreePorts.udpAndTcp(), "1h", deadPort);
        SipdispatchServer.Prepared second = SipdispatchServer.prepare(dir.resolve("sipdispatch.yaml"));
        try {
            assertThat(DestinationFlags.code(dead(second).state())).isEqualTo("IP");
        } finally {
            second.discard();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ds.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT flags FROM dispatcher")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("Kamailio's flags column").isZero();
        }
    }

    int savedState(String identity) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ds.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT state FROM dispatcher_state WHERE identity = '" + identity + "'")) {
            return rs.next() ? rs.getInt(1) : -1;
        }
    }
}
