package io.sipdispatch.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sipdispatch run CONFIG}: starts the server on a configuration file. This version carries the SIP
 * codec only, so after checking that the file is there it runs the codec self-check and exits; the command
 * line stays the same when the proxy is added.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Start sipdispatch on a configuration file (e.g. examples/sipdispatch.yaml).")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "the sipdispatch.yaml to run")
    Path config;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(config)) {
            System.err.println("sipdispatch: " + config + ": no such configuration file");
            return 1;
        }
        System.out.println("sipdispatch: configuration " + config.toAbsolutePath().normalize());
        System.out.println("sipdispatch: this build has the SIP codec only; running its self-check");
        int failed = SelfCheck.run(System.out);
        System.out.println(failed == 0 ? "self-check passed" : "self-check FAILED: " + failed + " case(s)");
        return failed == 0 ? 0 : 1;
    }
}
