package io.sipdispatch.server.source;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL or MariaDB server for one test class, started from the installed server binaries in a
 * temporary folder on a free loopback port, and removed after: the tests neither need nor touch a server
 * already running on the machine. PostgreSQL refuses to run as root, so as root it runs as the
 * {@code postgres} user the Debian package creates.
 */
public final class ThrowawayDatabase implements AutoCloseable {
    public enum Kind { POSTGRES, MARIADB }

    private final Kind kind;
    private final Path dir;
    private final int port;
    private Process server;

    private ThrowawayDatabase(Kind kind, Path dir, int port) {
        this.kind = kind;
        this.dir = dir;
        this.port = port;
    }

    public static ThrowawayDatabase start(Kind kind) throws Exception {
        Path dir = Files.createTempDirectory("sipdispatch-" + kind.name().toLowerCase() + "-");
        ThrowawayDatabase db = new ThrowawayDatabase(kind, dir, freePort());
        try {
            if (kind == Kind.POSTGRES) {
                db.startPostgres();
            } else {
                db.startMariadb();
            }
            db.createDatabase();
        } catch (Exception e) {
            db.close();
            throw e;
        }
        return db;
    }

    public int port() {
        return port;
    }

    /** The URL of database {@code sipdispatch} in the form operators write ({@code postgres://…}, {@code mysql://…}). */
    public String operatorUrl() {
        return kind == Kind.POSTGRES ? "postgres://postgres@127.0.0.1:" + port + "/sipdispatch"
            : "mysql://root@127.0.0.1:" + port + "/sipdispatch";
    }

    public String jdbcUrl(String database) {
        return kind == Kind.POSTGRES ? "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres"
            : "jdbc:mariadb://127.0.0.1:" + port + "/" + database + "?user=root";
    }

    /** A connection to database {@code sipdispatch}, for the test to write rows with. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl("sipdispatch"));
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path postgresBin() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/postgresql"))) {
            return s.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("initdb")))
                .max(Comparator.naturalOrder())
                .orElseThrow(() -> new IOException("no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)"));
        }
    }

    private List<String> asServerUser(String... cmd) {
        List<String> c = new ArrayList<>();
        if (kind == Kind.POSTGRES && root()) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(List.of(cmd));
        return c;
    }

    private void startPostgres() throws Exception {
        Path bin = postgresBin();
        if (root()) {
            run(List.of("chown", "postgres", dir.toString()));
        }
        Path data = dir.resolve("data");
        run(asServerUser(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8"));
        server = launch(asServerUser(bin.resolve("postgres").toString(), "-D", data.toString(), "-p",
            Integer.toString(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
            "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
        awaitReady(jdbcUrl("postgres"));
    }

    private void startMariadb() throws Exception {
        Path data = dir.resolve("data");
        List<String> init = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults", "--datadir=" + data,
            "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (root()) {
            init.add("--user=root");
        }
        run(init);
        List<String> cmd = new ArrayList<>(List.of("mariadbd", "--no-defaults", "--datadir=" + data,
            "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
            "--pid-file=" + dir.resolve("mysqld.pid"), "--skip-grant-tables", "--skip-log-bin",
            "--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=32M"));
        if (root()) {
            cmd.add("--user=root");
        }
        server = launch(cmd);
        awaitReady(jdbcUrl(""));
    }

    private void createDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(kind == Kind.POSTGRES ? "postgres" : ""));
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE sipdispatch");
        }
    }

    private void awaitReady(String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException(kind + " server exited with " + server.exitValue() + ": " + log());
            }
            try (Connection c = DriverManager.getConnection(url)) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            // Polling a process that gives no readiness signal on a pipe: there is no condition to await.
            Thread.sleep(100);
        }
        throw new IOException(kind + " server not ready in 60 s: " + (last == null ? "" : last.getMessage()) + "\n" + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private Process launch(List<String> cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile())
            .start();
    }

    private void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("init.log").toFile())
            .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + Files.readString(dir.resolve("init.log")));
        }
    }

    /** Kills the server at once (as a database outage would) without removing its files; {@link #close} removes them. */
    public void stop() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
