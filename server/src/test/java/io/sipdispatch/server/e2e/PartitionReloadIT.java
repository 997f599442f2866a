package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.server.SipdispatchServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running server with two partitions, the default one in the embedded SQLite database and one from a list
 * file: a reload names the partition it reloads, {@code override} takes the provisioned states, and every
 * reload re-reads the routes, keeping the running ones when the file is bad.
 */
class PartitionReloadIT {
    @TempDir
    Path dir;

    SipdispatchServer server;
    int port;
    Path config;

    static final String CONFIG = """
        dispatcher:
          db_url: sqlite://ds.db
          reload_delta: 0s
          partitions:
            carriers: { list_file: carriers.list }
        routes:
          - name: answer
            match: { method: OPTIONS }
            reply: { code: CODE, reason: REASON }
          - dispatch: { partition: carriers, set: 1 }
        """;

    void writeConfig(String code, String reason) throws Exception {
        Files.writeString(config, E2e.listenEverywhere(port) + CONFIG.replace("CODE", code).replace("REASON", reason));
    }

    @BeforeEach
    void start() throws Exception {
        port = FreePorts.udpAndTcp();
        config = dir.resolve("sipdispatch.yaml");
        writeConfig("480", "First Routes");
        Files.writeString(dir.resolve("carriers.list"), "1 sip:127.0.0.1:6001 0 0 duid=c1\n");
        server = SipdispatchServer.prepare(config).start(); // creates ds.db with the example rows
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void sqlite(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ds.db"));
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    Destination dest(String partition, String duid) {
        return server.snapshot().table(partition).destinations().stream()
            .filter(d -> duid.equals(d.record().attrs().duid())).findFirst().orElse(null);
    }

    String options() throws Exception {
        try (RawSip.Udp udp = new RawSip.Udp(IPV4)) {
            Optional<SipMessage> r = udp.exchange(RawSip.Request.of("OPTIONS", "sip:x@127.0.0.1:" + port, UDP,
                udp.sentBy(), RawSip.unique("opt") + "@127.0.0.1"), port, Duration.ofSeconds(5));
            assertThat(r).as("a reply").isPresent();
            return r.get().startLine();
        }
    }

    @Test
    void aReloadOfOnePartitionLeavesTheOtherAsItWas() throws Exception {
        assertThat(server.snapshot().table("carriers").destinations()).hasSize(1);
        assertThat(server.snapshot().table().destinations()).hasSize(3);
        Files.writeString(dir.resolve("carriers.list"), "1 sip:127.0.0.1:6001 0 0 duid=c1\n2 sip:127.0.0.1:6002 0 0 duid=c2\n");
        sqlite("DELETE FROM dispatcher WHERE destination = 'sip:127.0.0.1:5073'");
        Destination c1 = dest("carriers", "c1");
        int events = server.events().history().size();
        SipdispatchServer.ReloadResult r = server.reload("carriers", false);
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(r.message()).contains("partition carriers: reloaded 2 destination(s) in 2 set(s)");
        assertThat(server.snapshot().table("carriers").destinations()).hasSize(2);
        assertThat(dest("carriers", "c1")).isSameAs(c1);
        // Monitoring hears of the new destination only, not of every destination again.
        assertThat(server.events().history().subList(events, server.events().history().size()))
            .extracting(c -> c.partition() + " " + c.destination() + " " + c.reason())
            .containsExactly("carriers sip:127.0.0.1:6002 initial");
        assertThat(server.snapshot().table().destinations()).as("the default partition, not reloaded").hasSize(3);
        assertThat(server.reload("nowhere", false).message()).contains("no partition 'nowhere'");
        assertThat(server.reload().ok()).isTrue();
        assertThat(server.snapshot().table().destinations()).hasSize(2);
    }

    @Test
    void inheritKeepsTheRunningStateAndOverrideTakesTheProvisionedOne() throws Exception {
        dest("default", "b1").updateState(DestinationFlags.INACTIVE | DestinationFlags.PROBING, 0);
        dest("carriers", "c1").updateState(DestinationFlags.DISABLED, 0);
        assertThat(server.reload(null, false).ok()).isTrue();
        assertThat(DestinationFlags.code(dest("default", "b1").state())).isEqualTo("IP");
        assertThat(DestinationFlags.code(dest("carriers", "c1").state())).isEqualTo("DX");
        SipdispatchServer.ReloadResult r = server.reload(null, true);
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(r.message()).contains("states from the source");
        assertThat(DestinationFlags.code(dest("default", "b1").state())).isEqualTo("AX");
        assertThat(DestinationFlags.code(dest("carriers", "c1").state())).isEqualTo("AX");
        assertThat(server.events().history()).anySatisfy(c -> {
            assertThat(c.destination()).isEqualTo("sip:127.0.0.1:6001");
            assertThat(c.reason()).startsWith("reload: state from");
            assertThat(c.newState()).isZero();
        });
    }

    @Test
    void everyReloadReReadsTheRoutesAndABadFileKeepsTheRunningOnes() throws Exception {
        assertThat(options()).isEqualTo("SIP/2.0 480 First Routes");
        writeConfig("481", "Second Routes");
        assertThat(server.reload().ok()).isTrue();
        assertThat(options()).isEqualTo("SIP/2.0 481 Second Routes");
        Files.writeString(config, Files.readString(config).replace("reply: { code: 481", "reply: { cod: 482"));
        SipdispatchServer.ReloadResult bad = server.reload();
        assertThat(bad.ok()).isFalse();
        assertThat(bad.message()).contains("routes not reloaded, the running routes stay")
            .contains("sipdispatch.yaml:14").contains("routes[0].reply");
        assertThat(options()).isEqualTo("SIP/2.0 481 Second Routes");
        assertThat(server.snapshot().table().destinations()).as("the tables reloaded all the same").hasSize(3);
    }
}
