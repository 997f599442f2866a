package io.sipdispatch.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipdispatch.server.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A destination naming a socket this server does not listen on is refused with the table, not on a call. */
class SocketAttributeTest {
    @Test
    void aSocketThatIsNoListenAddressOfTheRightTransportIsRefusedAtStart(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("sipdispatch.yaml");
        Files.writeString(config, """
            listen: [ 'udp:127.0.0.1:5060 name main', 'tcp:127.0.0.1:5060' ]
            dispatcher: { list_file: dispatcher.list }
            routes:
              - dispatch: { set: 1 }
            """);
        Files.writeString(dir.resolve("dispatcher.list"), "1 sip:127.0.0.1:5071 0 0 socket=udp:127.0.0.1:6000\n");
        assertThatThrownBy(() -> SipdispatchServer.prepare(config)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("destination sip:127.0.0.1:5071 of set 1: socket=udp:127.0.0.1:6000 is not a udp"
                + " listen address of this server");
        Files.writeString(dir.resolve("dispatcher.list"), "1 sip:127.0.0.1:5071;transport=tcp 0 0 sockname=main\n");
        assertThatThrownBy(() -> SipdispatchServer.prepare(config)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("sockname=main is not a tcp listen address");
        Files.writeString(dir.resolve("dispatcher.list"), "1 sip:127.0.0.1:5071 0 0 sockname=main\n");
        SipdispatchServer.prepare(config).discard();
    }
}
