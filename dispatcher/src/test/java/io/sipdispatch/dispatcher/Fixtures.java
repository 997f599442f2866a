package io.sipdispatch.dispatcher;

import java.util.List;

/** Destinations named by their duid, and the orders they come out in, written as strings of names. */
final class Fixtures {
    private Fixtures() {
    }

    static Destination dest(String name, String attrs) {
        return dest(name, 0, attrs);
    }

    static Destination dest(String name, int priority, String attrs) {
        return new Destination(record(1, name, priority, attrs));
    }

    static DestinationRecord record(int set, String name, int priority, String attrs) {
        return new DestinationRecord(set, "sip:" + name + ".example.com", 0, priority,
            Attributes.parse("duid=" + name + (attrs.isEmpty() ? "" : ";" + attrs)), "");
    }

    static DestinationSet set(Destination... ds) {
        return new DestinationSet(1, List.of(ds));
    }

    /** The duids, separated by spaces: "a b c". */
    static String names(List<Destination> ds) {
        StringBuilder sb = new StringBuilder();
        for (Destination d : ds) {
            sb.append(sb.length() == 0 ? "" : " ").append(d.record().attrs().duid());
        }
        return sb.toString();
    }

    /** The first choice of {@code n} selections in a row, separated by spaces; "-" for none. */
    static String firsts(Algorithm alg, DestinationSet s, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            List<Destination> o = alg.order(s, RequestKey.NONE);
            sb.append(i == 0 ? "" : " ").append(o.isEmpty() ? "-" : o.get(0).record().attrs().duid());
        }
        return sb.toString();
    }

    /** How often each destination comes first in {@code n} selections, as "a=25 b=50 c=25" in set order. */
    static String shares(Algorithm alg, DestinationSet s, int n) {
        int[] count = new int[s.size()];
        for (int i = 0; i < n; i++) {
            List<Destination> o = alg.order(s, RequestKey.NONE);
            if (!o.isEmpty()) {
                count[s.destinations().indexOf(o.get(0))]++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count.length; i++) {
            sb.append(i == 0 ? "" : " ").append(s.destinations().get(i).record().attrs().duid()).append('=').append(count[i]);
        }
        return sb.toString();
    }
}
