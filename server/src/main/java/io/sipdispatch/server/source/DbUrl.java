package io.sipdispatch.server.source;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A database address as operators write it in Kamailio's and OpenSIPS's configurations, turned into a JDBC
 * URL and credentials: {@code mysql://user:pass@host[:port]/db} (MariaDB or MySQL, through the MariaDB driver),
 * {@code postgres://user:pass@host[:port]/db}, {@code sqlite:///absolute/file.db} or
 * {@code sqlite://relative/file.db} (against the configuration's folder); a {@code jdbc:} URL is taken as it is.
 *
 * @param jdbcUrl  what the driver is given
 * @param user     null when the URL names none
 * @param password null when the URL names none
 * @param kind     which server, for the SQL that differs between them
 */
public record DbUrl(String jdbcUrl, String user, String password, Kind kind) {
    /** The servers sipdispatch knows the SQL of. */
    public enum Kind {
        SQLITE, POSTGRES, MARIADB, OTHER
    }

    /** Parses {@code url}; relative SQLite paths are resolved against {@code baseDir} (when not null). */
    public static DbUrl parse(String url, Path baseDir) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("empty db_url");
        }
        String u = url.strip();
        if (u.startsWith("jdbc:")) {
            Kind k = u.startsWith("jdbc:sqlite:") ? Kind.SQLITE : u.startsWith("jdbc:postgresql:") ? Kind.POSTGRES
                : u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:") ? Kind.MARIADB : Kind.OTHER;
            return new DbUrl(u, null, null, k);
        }
        int colon = u.indexOf("://");
        if (colon < 0) {
            throw new IllegalArgumentException("db_url '" + url + "' is neither scheme://… nor jdbc:…");
        }
        String scheme = u.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        String rest = u.substring(colon + 3);
        switch (scheme) {
            case "sqlite": {
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException("db_url '" + url + "' names no SQLite file");
                }
                Path p = Path.of(rest);
                if (!p.isAbsolute() && baseDir != null) {
                    p = baseDir.resolve(p);
                }
                return new DbUrl("jdbc:sqlite:" + p.normalize(), null, null, Kind.SQLITE);
            }
            case "mysql", "mariadb":
                return server(url, rest, "jdbc:mariadb://", 3306, Kind.MARIADB);
            case "postgres", "postgresql":
                return server(url, rest, "jdbc:postgresql://", 5432, Kind.POSTGRES);
            default:
                throw new IllegalArgumentException("db_url '" + url + "': unknown scheme '" + scheme
                    + "' (mysql, mariadb, postgres, postgresql, sqlite or a jdbc: URL)");
        }
    }

    /** {@code [user[:pass]@]host[:port]/db[?params]} of a client-server database. */
    private static DbUrl server(String url, String rest, String prefix, int defaultPort, Kind kind) {
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? rest.length() : rest.indexOf('/'));
        if (at >= 0) {
            String cred = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int c = cred.indexOf(':');
            user = decode(c < 0 ? cred : cred.substring(0, c));
            password = c < 0 ? null : decode(cred.substring(c + 1));
        }
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("db_url '" + redact(url) + "' needs host/database");
        }
        String hostPort = rest.substring(0, slash);
        String db = rest.substring(slash + 1);
        boolean hasPort = hostPort.startsWith("[") ? hostPort.contains("]:") : hostPort.contains(":");
        return new DbUrl(prefix + hostPort + (hasPort ? "" : ":" + defaultPort) + "/" + db, user, password, kind);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** {@code url} with its password replaced, for messages and logs. */
    public static String redact(String url) {
        return url == null ? null : url.replaceFirst("://([^:/@]*):[^@/]*@", "://$1:***@");
    }

    @Override
    public String toString() {
        return jdbcUrl + (user == null ? "" : " as " + user);
    }
}
