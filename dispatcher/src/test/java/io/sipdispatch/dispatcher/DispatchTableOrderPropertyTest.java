package io.sipdispatch.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** DispatchTable's set order against a model of Kamailio's and OpenSIPS's loaders, for any input. */
class DispatchTableOrderPropertyTest {

    @Property
    void kamailioOrder(@ForAll @Size(max = 12) List<@IntRange(min = -2, max = 3) Integer> priorities) {
        assertThat(order(priorities, Numbering.KAMAILIO)).isEqualTo(loader(priorities, true));
    }

    @Property
    void openSipsOrder(@ForAll @Size(max = 12) List<@IntRange(min = -2, max = 3) Integer> priorities) {
        assertThat(order(priorities, Numbering.OPENSIPS)).isEqualTo(loader(priorities, false));
    }

    /** The load positions of the destinations of set 1 built from these priorities, in table order. */
    private static List<Integer> order(List<Integer> priorities, Numbering numbering) {
        List<DestinationRecord> rs = new ArrayList<>();
        for (int i = 0; i < priorities.size(); i++) {
            rs.add(Fixtures.record(1, "d" + i, priorities.get(i), ""));
        }
        DispatchTable t = DispatchTable.build(rs, null, numbering);
        List<Integer> out = new ArrayList<>();
        if (t.set(1) != null) {
            for (Destination d : t.set(1).destinations()) {
                out.add(Integer.parseInt(d.record().attrs().duid().substring(1)));
            }
        }
        return out;
    }

    /**
     * The two loaders as written in C: a linked list sorted by ascending priority, a new record going after
     * (Kamailio, {@code dp0->priority > dp->priority} stops the walk) or before (OpenSIPS,
     * {@code dp_it->priority < prio} goes on) those of equal priority, then copied backwards into the array.
     */
    private static List<Integer> loader(List<Integer> priorities, boolean kamailio) {
        LinkedList<Integer> list = new LinkedList<>();
        for (int i = 0; i < priorities.size(); i++) {
            int p = priorities.get(i);
            ListIterator<Integer> it = list.listIterator();
            while (it.hasNext()) {
                int q = priorities.get(it.next());
                if (kamailio ? q > p : q >= p) {
                    it.previous();
                    break;
                }
            }
            it.add(i);
        }
        List<Integer> array = new ArrayList<>(list);
        java.util.Collections.reverse(array);
        return array;
    }
}
