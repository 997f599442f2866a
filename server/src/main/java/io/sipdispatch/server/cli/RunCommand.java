package io.sipdispatch.server.cli;

import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sipdispatch run CONFIG}: starts the server in the foreground; SIGTERM or SIGINT stop it gracefully:
 * new requests are refused with 503 while the transactions under way finish (within {@code stop.grace}).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Start sipdispatch on a configuration file (e.g. examples/sipdispatch.yaml).")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "the sipdispatch.yaml to run")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        SipdispatchServer.Prepared prepared;
        try {
            prepared = SipdispatchServer.prepare(config);
        } catch (ConfigException e) {
            System.err.println("sipdispatch: " + e.getMessage());
            return 2;
        }
        SipdispatchServer server;
        try {
            server = prepared.start();
        } catch (RuntimeException e) {
            System.err.println("sipdispatch: cannot start: " + e);
            return 1;
        }
        // SIGHUP reloads every partition and the routes, as the management API's dispatcher.reload does: on a
        // thread of its own, never an event loop; reload() logs the outcome, whatever it is.
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> new Thread(server::reload, "sipdispatch-reload").start());
        } catch (IllegalArgumentException e) {
            // no SIGHUP on this platform: reload by the API only
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stopGracefully();
            server.close();
            stopped.countDown();
        }, "sipdispatch-shutdown"));
        stopped.await();
        return 0;
    }
}
