package io.sipdispatch.server.proxy;

/**
 * The event loops transactions are spread over. A transaction belongs to one shard, chosen from its key;
 * its state and its timers are touched only by that shard's thread, so the transaction table needs no lock.
 * A message read by another loop is handed over to the owner.
 */
public interface Shards {
    int count();

    /** The shard whose thread is calling, or -1 when the caller is not one of them. */
    int current();

    /** Runs {@code task} on shard {@code shard}'s thread, after what it is doing now. */
    void execute(int shard, Runnable task);

    /** The timers of shard {@code shard}; they run on its thread. */
    TransactionScheduler scheduler(int shard);

    /** The shard that reads what {@code peer} sends (see the transport's connected sockets); 0 by default. */
    default int homeLoop(java.net.InetSocketAddress peer) {
        return 0;
    }
}
