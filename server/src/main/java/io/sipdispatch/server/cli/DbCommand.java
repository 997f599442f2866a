package io.sipdispatch.server.cli;

import io.sipdispatch.server.config.ConfigException;
import io.sipdispatch.server.config.ConfigLoader;
import io.sipdispatch.server.config.SipdispatchConfig;
import io.sipdispatch.server.source.DbSchema;
import io.sipdispatch.server.source.DbSource;
import io.sipdispatch.server.source.DestinationSource;
import io.sipdispatch.server.source.SourceException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sipdispatch db init CONFIG}: the configured database's tables, made on demand. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Work on the configured dispatcher database.",
    subcommands = DbCommand.Init.class)
final class DbCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create the version and dispatcher tables of the configured db_url and schema, with the "
            + "example destinations, as the first start does for a missing SQLite file. Refused when the table exists.")
    static final class Init implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CONFIG", description = "the sipdispatch.yaml naming the database")
        Path config;

        @Override
        public Integer call() {
            SipdispatchConfig c;
            try {
                c = ConfigLoader.load(config);
            } catch (ConfigException e) {
                System.err.println("sipdispatch: " + e.getMessage());
                return 2;
            }
            try (DestinationSource source = DestinationSource.of(c)) {
                if (!(source instanceof DbSource db)) {
                    System.err.println("sipdispatch: " + config + " reads a list file, not a database (no db_url)");
                    return 2;
                }
                db.init(DbSchema.EXAMPLE);
                System.out.println(db.describe() + ": created (" + db.settings().schema() + " schema, "
                    + DbSchema.EXAMPLE.size() + " example destinations)");
                return 0;
            } catch (SourceException | IllegalArgumentException e) {
                System.err.println("sipdispatch: " + e.getMessage());
                return 1;
            }
        }
    }
}
