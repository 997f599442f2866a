package io.sipdispatch.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestinationFlagsTest {

    @ParameterizedTest
    @CsvSource({"0, AX, false", "8, AP, false", "1, IX, true", "9, IP, true", "2, TX, false", "10, TP, false",
        "4, DX, true", "12, DP, true", "5, DX, true", "3, IX, true"})
    void kamailioStateCodesAndSkipping(int flags, String code, boolean skipped) {
        assertThat(DestinationFlags.code(flags)).isEqualTo(code);
        assertThat(DestinationFlags.skipped(flags)).isEqualTo(skipped);
    }

    @ParameterizedTest
    @CsvSource({"sip:10.0.0.1, '', 1/sip:10.0.0.1", "sip:10.0.0.1, duid=gw1, 1/gw1"})
    void identityIsTheDuidWhenGiven(String uri, String attrs, String identity) {
        DestinationRecord r = new DestinationRecord(1, uri, 16 | DestinationFlags.PROBING, 0, Attributes.parse(attrs), null);
        assertThat(r.identity()).isEqualTo(identity);
        assertThat(r.state()).isEqualTo(DestinationFlags.PROBING);
        assertThat(r.flags()).isEqualTo(24);
        assertThat(r.description()).isEmpty();
    }
}
