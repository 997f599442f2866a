package io.sipdispatch.dispatcher;

/**
 * Whose algorithm numbers a configuration uses, and whose conventions follow from that: the two projects
 * agree on 0 to 3 and 5 to 8 but not on 4 and 9 (see {@link AlgorithmKind}), nor on the order of
 * destinations of equal priority (see {@link DispatchTable#build(java.util.List, DispatchTable, Numbering)}).
 */
public enum Numbering {
    /** Kamailio's {@code ds_select_dst} numbers: 0 to 15 and 64. */
    KAMAILIO,
    /** OpenSIPS's {@code ds_select_dst} numbers: 0 to 10. */
    OPENSIPS
}
