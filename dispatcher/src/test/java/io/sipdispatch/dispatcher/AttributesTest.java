package io.sipdispatch.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttributesTest {

    @Test
    void kamailioKeysAreTypedAndOthersKeptInOrder() {
        Attributes a = Attributes.parse("duid=abc;socket=udp:192.0.2.7:5060;my=xyz;ping_from=sip:lb.example.com;weight=50;maxload=200;rweight=25");
        assertThat(a.duid()).isEqualTo("abc");
        assertThat(a.socket()).isEqualTo("udp:192.0.2.7:5060");
        assertThat(a.pingFrom()).isEqualTo("sip:lb.example.com");
        assertThat(a.weight(1)).isEqualTo(50);
        assertThat(a.rweight(0)).isEqualTo(25);
        assertThat(a.maxload()).isEqualTo(200);
        assertThat(a.get("my")).isEqualTo("xyz");
        assertThat(a.asMap().keySet()).containsExactly("duid", "socket", "my", "ping_from", "weight", "maxload", "rweight");
        assertThat(a.raw()).startsWith("duid=abc;");
    }

    @Test
    void defaultsWhenAbsent() {
        Attributes a = Attributes.parse("duid=gw1");
        assertThat(a.weight(1)).isEqualTo(1);
        assertThat(a.rweight(0)).isZero();
        assertThat(a.maxload()).isZero();
        assertThat(a.socket()).isNull();
        assertThat(Attributes.parse("")).isSameAs(Attributes.NONE);
        assertThat(Attributes.parse(null)).isSameAs(Attributes.NONE);
    }

    @Test
    void quotedValueMayHoldSemicolons() {
        Attributes a = Attributes.parse("ping_from=\"sip:lb@example.com;transport=tcp\";duid=x");
        assertThat(a.pingFrom()).isEqualTo("sip:lb@example.com;transport=tcp");
        assertThat(a.duid()).isEqualTo("x");
    }

    @Test
    void trailingAndEmptySeparatorsAreFine() {
        assertThat(Attributes.parse("duid=a;;weight=2;").asMap()).containsOnlyKeys("duid", "weight");
    }

    @Test
    void badAttributesSayWhy() {
        assertThatThrownBy(() -> Attributes.parse("weight=heavy")).hasMessageContaining("weight")
            .hasMessageContaining("non-negative integer");
        assertThatThrownBy(() -> Attributes.parse("maxload=-1")).hasMessageContaining("maxload");
        assertThatThrownBy(() -> Attributes.parse("duid")).hasMessageContaining("'duid' has no value");
        assertThatThrownBy(() -> Attributes.parse("=x")).hasMessageContaining("without a name");
        assertThatThrownBy(() -> Attributes.parse("duid=a;duid=b")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> Attributes.parse("ping_from=\"sip:x")).hasMessageContaining("unterminated quote");
    }
}
