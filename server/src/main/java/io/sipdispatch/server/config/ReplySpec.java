package io.sipdispatch.server.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.sipdispatch.sip.StatusCodes;

/**
 * A reply sipdispatch sends itself: {@code { code: 404, reason: No destination }} (Kamailio {@code sl_send_reply});
 * {@code reply} is accepted for {@code code}, as in {@code when_none_left: { reply: 404, reason: No destination }}.
 */
public record ReplySpec(@JsonAlias("reply") Integer code, String reason) {
    public ReplySpec {
        if (code == null || code < 300 || code > 699) {
            throw new IllegalArgumentException("a reply needs a final failure code from 300 to 699, got " + code);
        }
        if (reason == null || reason.isBlank()) {
            reason = StatusCodes.reasonPhrase(code);
        }
        if (reason.indexOf('\r') >= 0 || reason.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a reason phrase is one line");
        }
    }

    public static final ReplySpec NO_DESTINATION = new ReplySpec(503, "Service Unavailable");
}
