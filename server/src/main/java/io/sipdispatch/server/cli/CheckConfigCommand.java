package io.sipdispatch.server.cli;

import io.sipdispatch.server.SipdispatchServer;
import io.sipdispatch.server.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sipdispatch check-config CONFIG}: checks the configuration and its list file, binds nothing. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = "Check a configuration file and its destination list without starting.")
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "the sipdispatch.yaml to check")
    Path config;

    @Override
    public Integer call() {
        try {
            SipdispatchServer.Prepared p = SipdispatchServer.prepare(config);
            System.out.println(config + ": OK (" + p.snapshot().table().destinations().size() + " destination(s), "
                + p.config().routes().size() + " route(s))");
            p.discard();
            return 0;
        } catch (ConfigException e) {
            System.err.println("sipdispatch: " + e.getMessage());
            return 2;
        }
    }
}
