/**
 * The load-balancing engine: destination sets, selection algorithms, health state and the immutable
 * dispatch table. No I/O, no Netty: every class here is testable without sockets.
 */
package io.sipdispatch.dispatcher;
