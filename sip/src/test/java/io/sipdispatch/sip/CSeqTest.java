package io.sipdispatch.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CSeqTest {

    @Test
    void numberAndKnownMethodInterned() throws Exception {
        CSeq c = CSeq.parse("4711 INVITE");
        assertThat(c.number()).isEqualTo(4711);
        assertThat(c.method()).isSameAs(SipMethod.INVITE);
        assertThat(c.toString()).isEqualTo("4711 INVITE");
    }

    @Test
    void leadingZeros() throws Exception {
        assertThat(CSeq.parse("0009 INVITE")).isEqualTo(new CSeq(9, "INVITE"));
        assertThat(CSeq.parse("0 ACK").number()).isZero();
        assertThat(CSeq.parse("000000000000000000004294967295 BYE").number()).isEqualTo(CSeq.MAX);
    }

    @Test
    void whitespaceAroundAndBetween() throws Exception {
        assertThat(CSeq.parse("  12 \t ACK  ")).isEqualTo(new CSeq(12, "ACK"));
    }

    @Test
    void extensionAndCaseSensitiveMethods() throws Exception {
        assertThat(CSeq.parse("3 FROBNICATE").method()).isEqualTo("FROBNICATE");
        CSeq lower = CSeq.parse("3 invite");
        assertThat(lower.method()).isEqualTo("invite");
        assertThat(lower.method()).isNotEqualTo(SipMethod.INVITE);
        assertThat(CSeq.parse("139122385 !odd-Verb0123456789_*+`.%so'~").method())
            .isEqualTo("!odd-Verb0123456789_*+`.%so'~");
        assertThat(CSeq.parse("5 SUB%53CRIBE").method()).isEqualTo("SUB%53CRIBE");
    }

    @Test
    void largestSequenceNumberIsTwoToThe32MinusOne() throws Exception {
        assertThat(CSeq.MAX).isEqualTo(4_294_967_295L);
        assertThat(CSeq.parse("4294967295 REGISTER").number()).isEqualTo(4_294_967_295L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4294967296 REGISTER", "36893488147419103232 REGISTER", "9292394834772304023312 OPTIONS",
        "99999999999999999999999999999999999999999999 INVITE"})
    void numbersAbove32BitsAreRejected(String v) {
        assertThatThrownBy(() -> CSeq.parse(v)).isInstanceOfSatisfying(SipParseException.class,
            e -> assertThat(e.violation()).isEqualTo(Violation.MALFORMED_CSEQ));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "INVITE", "12", "12 ", "12INVITE", "-1 INVITE", "+1 INVITE", "1.5 INVITE",
        "1 2 INVITE", "12 INV ITE", "12 INVITE extra", "12 INV@TE", "0x10 INVITE", "12 \"INVITE\""})
    void malformed(String v) {
        assertThatThrownBy(() -> CSeq.parse(v)).isInstanceOfSatisfying(SipParseException.class,
            e -> assertThat(e.violation()).isEqualTo(Violation.MALFORMED_CSEQ));
    }

    @Test
    void fromAFoldedHeaderLine() throws Exception {
        String text = "INVITE sip:a@example.com SIP/2.0\r\n"
            + "cseq: 0009\r\n  INVITE\r\n"
            + "l: 0\r\n\r\n";
        SipMessage m = new SipParser().parseDatagram(text.getBytes(StandardCharsets.US_ASCII));
        assertThat(m.cseq()).isEqualTo(new CSeq(9, SipMethod.INVITE));
        assertThat(m.cseq()).isSameAs(m.cseq());
    }

    @Test
    void overlargeInAMessageThrowsOnDemand() throws Exception {
        String text = "REGISTER sip:example.com SIP/2.0\r\n"
            + "CSeq: 18446744073709551616 REGISTER\r\n"
            + "l: 0\r\n\r\n";
        SipMessage m = new SipParser().parseDatagram(text.getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(m::cseq).isInstanceOfSatisfying(SipParseException.class,
            e -> assertThat(e.violation()).isEqualTo(Violation.MALFORMED_CSEQ));
    }
}
