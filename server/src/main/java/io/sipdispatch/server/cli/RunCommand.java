package io.sipdispatch.server.cli;

import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sipdispatch run CONFIG}: starts the server in the foreground; SIGTERM or SIGINT stop it, closing
 * every socket within a few seconds.
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
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "sipdispatch-shutdown"));
        stopped.await();
        return 0;
    }
}
