package io.sipdispatch.server.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** db_url in the forms of Kamailio's and OpenSIPS's configurations. */
class DbUrlTest {
    @Test
    void mysqlAndMariadbUrlsGoToTheMariadbDriverWithTheirCredentials() {
        DbUrl u = DbUrl.parse("mysql://opensips:s%40cret@db.example.net/opensips", null);
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:mariadb://db.example.net:3306/opensips");
        assertThat(u.user()).isEqualTo("opensips");
        assertThat(u.password()).isEqualTo("s@cret");
        assertThat(u.kind()).isEqualTo(DbUrl.Kind.MARIADB);
        assertThat(DbUrl.parse("mariadb://kamailio@10.0.0.5:3307/kamailio", null).jdbcUrl())
            .isEqualTo("jdbc:mariadb://10.0.0.5:3307/kamailio");
    }

    @Test
    void postgresUrls() {
        DbUrl u = DbUrl.parse("postgres://kamailio:kamailiorw@localhost/kamailio", null);
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/kamailio");
        assertThat(u.user()).isEqualTo("kamailio");
        assertThat(u.password()).isEqualTo("kamailiorw");
        assertThat(DbUrl.parse("postgresql://[::1]:6543/ds", null).jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:6543/ds");
    }

    @Test
    void sqliteUrlsAreAbsoluteOrRelativeToTheConfiguration() {
        assertThat(DbUrl.parse("sqlite:///var/lib/sipdispatch/ds.db", Path.of("/etc/sipdispatch")).jdbcUrl())
            .isEqualTo("jdbc:sqlite:/var/lib/sipdispatch/ds.db");
        assertThat(DbUrl.parse("sqlite://dispatcher.db", Path.of("/etc/sipdispatch")).jdbcUrl())
            .isEqualTo("jdbc:sqlite:/etc/sipdispatch/dispatcher.db");
    }

    @Test
    void jdbcUrlsAreTakenAsTheyAre() {
        DbUrl u = DbUrl.parse("jdbc:postgresql://h/db?user=x", null);
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db?user=x");
        assertThat(u.kind()).isEqualTo(DbUrl.Kind.POSTGRES);
    }

    @Test
    void badUrlsAreRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> DbUrl.parse("oracle://u:p@h/db", null)).hasMessageContaining("unknown scheme 'oracle'");
        assertThatThrownBy(() -> DbUrl.parse("mysql://u:topsecret@hostonly", null))
            .hasMessageContaining("host/database").hasMessageNotContaining("topsecret");
        assertThat(DbUrl.redact("mysql://u:topsecret@h/db")).isEqualTo("mysql://u:***@h/db");
    }
}
