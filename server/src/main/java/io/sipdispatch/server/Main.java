package io.sipdispatch.server;

import io.sipdispatch.server.cli.SipdispatchCommand;
import picocli.CommandLine;

/** Entry point of the runnable jar: parses the command line and runs the chosen command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Before any Netty buffer class loads: its leak detectors are built once, when it does.
        io.sipdispatch.server.transport.LeakCounter.install();
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (0 success, 1 failure, 2 bad usage). */
    public static int run(String... args) {
        return new CommandLine(new SipdispatchCommand()).execute(args);
    }
}
