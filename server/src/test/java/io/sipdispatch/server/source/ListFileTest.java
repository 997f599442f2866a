package io.sipdispatch.server.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.dispatcher.DestinationRecord;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListFileTest {

    private static List<DestinationRecord> parse(String text) throws Exception {
        return ListFile.parse("dispatcher.list", new StringReader(text));
    }

    @Test
    void kamailioFormatWithEveryField() throws Exception {
        List<DestinationRecord> r = parse("""
            # setid destination flags priority attrs description
            1 sip:127.0.0.1:5080 0 0 duid=abc;socket=udp:192.0.2.1:5060;my=xyz;ping_from=sip:myproxy.example.com
            1 sip:127.0.0.1:5081;transport=tcp 0x8 10 duid=def;weight=30  media server two, rack 4

              # an indented comment, then a blank line above
            2 sips:gw.example.com:5061
            """);
        assertThat(r).hasSize(3);
        DestinationRecord a = r.get(0);
        assertThat(a.setId()).isEqualTo(1);
        assertThat(a.uri()).isEqualTo("sip:127.0.0.1:5080");
        assertThat(a.flags()).isZero();
        assertThat(a.attrs().duid()).isEqualTo("abc");
        assertThat(a.attrs().get("my")).isEqualTo("xyz");
        assertThat(a.attrs().pingFrom()).isEqualTo("sip:myproxy.example.com");
        DestinationRecord b = r.get(1);
        assertThat(b.flags()).isEqualTo(DestinationFlags.PROBING);
        assertThat(b.priority()).isEqualTo(10);
        assertThat(b.attrs().weight(1)).isEqualTo(30);
        assertThat(b.description()).isEqualTo("media server two, rack 4");
        DestinationRecord c = r.get(2);
        assertThat(c.setId()).isEqualTo(2);
        assertThat(c.flags()).isZero();
        assertThat(c.priority()).isZero();
        assertThat(c.attrs().asMap()).isEmpty();
    }

    @Test
    void readsAFileFromDisk(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("dispatcher.list"), "1 sip:127.0.0.1:5071 0 0 duid=gw1\n");
        assertThat(ListFile.read(f)).extracting(DestinationRecord::identity).containsExactly("1/gw1");
    }

    @Test
    void anUnreadableFileIsNamed(@TempDir Path dir) {
        ListFileException e = catchThrowableOfType(ListFileException.class, () -> ListFile.read(dir.resolve("absent.list")));
        assertThat(e.file()).endsWith("absent.list");
        assertThat(e.line()).isZero();
        assertThat(e.getMessage()).contains("cannot read");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1                                   | expected 'setid destination",
        "one sip:127.0.0.1                   | setid is not a number: one",
        "-1 sip:127.0.0.1                    | setid must not be negative",
        "1 127.0.0.1:5060                    | not a sip: or sips: URI",
        "1 tel:+15551234                     | not a sip: or sips: URI",
        "1 sip:127.0.0.1 zero                | flags is not a number: zero",
        "1 sip:127.0.0.1 0xZZ                | flags is not a number: 0xZZ",
        "1 sip:127.0.0.1 0 high              | priority is not a number: high",
        "1 sip:127.0.0.1 0 0 weight=heavy    | attrs: attribute 'weight' must be a non-negative integer"})
    void aBadLineIsRefusedWithFileLineAndReason(String bad, String reason) {
        ListFileException e = catchThrowableOfType(ListFileException.class,
            () -> parse("# good lines first\n1 sip:127.0.0.1:5071\n\n" + bad + "\n2 sip:127.0.0.1:5072\n"));
        assertThat(e.file()).isEqualTo("dispatcher.list");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.reason()).contains(reason.trim());
        assertThat(e.getMessage()).startsWith("dispatcher.list:4: ");
    }

    @Test
    void theExampleListLoads() throws Exception {
        // Maven runs the server tests from server/.
        List<DestinationRecord> r = ListFile.read(Path.of("../examples/dispatcher.list"));
        assertThat(r).isNotEmpty().allMatch(d -> d.setId() == 1 && d.uri().startsWith("sip:127.0.0.1:"));
    }
}
