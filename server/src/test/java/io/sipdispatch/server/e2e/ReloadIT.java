package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.source.ThrowawayDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload from a real PostgreSQL server (a private throwaway one): a destination that stays keeps its health
 * and call count, an edited row takes effect, a new row appears; with the database stopped a reload fails,
 * says why, and the running table goes on serving calls through a real SIPp backend.
 */
class ReloadIT {
    @TempDir
    static Path dir;

    static ThrowawayDatabase db;
    static Sipp.Backend backend;
    static SipdispatchServer server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        db = ThrowawayDatabase.start(ThrowawayDatabase.Kind.POSTGRES);
        backend = Sipp.backend(dir, "gw", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        port = FreePorts.udpAndTcp();
        Path config = dir.resolve("sipdispatch.yaml");
        Files.writeString(config, E2e.listenEverywhere(port) + """
            dispatcher:
              db_url: DB_URL
              reload_delta: 0s
            routes:
              - dispatch: { set: 1, algorithm: 4 }
            """.replace("DB_URL", db.operatorUrl()));
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE version (table_name VARCHAR(32) NOT NULL, table_version INTEGER DEFAULT 0 NOT NULL)");
            st.execute("INSERT INTO version VALUES ('dispatcher', 4)");
            st.execute("CREATE TABLE dispatcher (id SERIAL PRIMARY KEY, setid INTEGER DEFAULT 0 NOT NULL, "
                + "destination VARCHAR(192) DEFAULT '' NOT NULL, flags INTEGER DEFAULT 0 NOT NULL, "
                + "priority INTEGER DEFAULT 0 NOT NULL, attrs VARCHAR(128) DEFAULT '' NOT NULL, "
                + "description VARCHAR(64) DEFAULT '' NOT NULL)");
            st.execute("INSERT INTO dispatcher (setid, destination, priority, attrs) VALUES "
                + "(1, '" + backend.uri() + "', 10, 'duid=gw'), (1, 'sip:127.0.0.1:9', 5, 'duid=spare')");
        }
        server = SipdispatchServer.prepare(config).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static Destination dest(String identity) {
        return server.snapshot().table().destinations().stream().filter(d -> d.identity().equals(identity))
            .findFirst().orElse(null);
    }

    Sipp.Result call() {
        return Sipp.uac("uac_call.xml").target(IPV4, port).transport(UDP).service("reload").calls(1).rate(1)
            .timeout(Duration.ofSeconds(15)).run(dir);
    }

    @Test
    void reloadKeepsRuntimeStateAndAFailedReloadKeepsTheRunningTable() throws Exception {
        Destination spare = dest("1/spare");
        spare.updateState(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 0);
        spare.incrementActiveCalls();
        spare.incrementActiveCalls();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("UPDATE dispatcher SET priority = 7 WHERE attrs = 'duid=spare'");
            st.execute("INSERT INTO dispatcher (setid, destination, attrs) VALUES (2, 'sip:127.0.0.1:11', 'duid=new')");
        }
        SipdispatchServer.ReloadResult r = server.reload();
        assertThat(r.ok()).as(r.message()).isTrue();
        Destination after = dest("1/spare");
        assertThat(after).isNotSameAs(spare);
        assertThat(after.priority()).isEqualTo(7);
        assertThat(DestinationFlags.code(after.state())).isEqualTo("IP");
        assertThat(after.activeCalls()).isEqualTo(2);
        assertThat(dest("2/new")).isNotNull();
        call().assertAllSucceeded();

        db.stop();
        SipdispatchServer.ReloadResult failed = server.reload();
        assertThat(failed.ok()).isFalse();
        assertThat(failed.message()).startsWith("reload failed, the running table stays:").contains("postgres");
        assertThat(dest("2/new")).isNotNull();
        Sipp.Result during = call();
        during.assertAllSucceeded();
        assertThat(backend.callIds(during, "INVITE")).hasSize(1);
    }
}
