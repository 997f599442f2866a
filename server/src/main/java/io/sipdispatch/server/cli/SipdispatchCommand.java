package io.sipdispatch.server.cli;

import picocli.CommandLine.Command;

/** The top-level command: {@code sipdispatch <command>}. */
@Command(
    name = "sipdispatch",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "A SIP load balancer: spreads calls over destination sets with the selection algorithms of "
            + "Kamailio's and OpenSIPS's dispatcher modules, keeps dialogs sticky and fails over.",
        ""
    },
    commandListHeading = "%nCommands:%n",
    footer = {
        "",
        "Run 'sipdispatch <command> --help' for the options of one command."
    },
    subcommands = {RunCommand.class, CheckConfigCommand.class, SelfCheckCommand.class, DbCommand.class,
        CtlCommand.class})
public final class SipdispatchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No command given: show the help rather than guess.
        spec.commandLine().usage(System.out);
    }
}
