package io.sipdispatch.server.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a route matches; every condition given must hold. Regular expressions are Java's, matched with
 * {@code find()} (anchor with ^ and $), as Kamailio's {@code =~}.
 *
 * @param method      one method or a list ({@code is_method("INVITE|SUBSCRIBE")})
 * @param ruriUser    regex on the Request-URI user ({@code $rU})
 * @param ruriHost    regex on the Request-URI host ({@code $rd})
 * @param ruri        regex on the whole Request-URI ({@code $ru})
 * @param headers     header name → regex on its value; the header must be present
 * @param source      source address or network, one or a list ({@code 10.0.0.0/8}, {@code ::1})
 * @param sourceInSet the source address is a destination of this set, 0 for any set ({@code ds_is_from_list})
 * @param inList      an address of the request is a destination of a set of a partition ({@code ds_is_in_list})
 */
public record MatchSpec(List<String> method, String ruriUser, String ruriHost, String ruri,
                        Map<String, String> headers, List<String> source, Integer sourceInSet, InListSpec inList) {
    public MatchSpec {
        method = method == null ? List.of() : List.copyOf(method);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        source = source == null ? List.of() : List.copyOf(source);
        check("ruri_user", ruriUser);
        check("ruri_host", ruriHost);
        check("ruri", ruri);
        headers.forEach((k, v) -> check("headers." + k, v));
        for (String s : source) {
            Cidr.parse(s);
        }
        if (sourceInSet != null && sourceInSet < 0) {
            throw new IllegalArgumentException("source_in_set must be a set id, or 0 for any set");
        }
    }

    public static final MatchSpec ANY = new MatchSpec(null, null, null, null, null, null, null, null);

    private static void check(String key, String regex) {
        if (regex != null) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(key + ": bad regular expression: " + e.getDescription() + " in '" + regex + "'");
            }
        }
    }
}
