package io.sipdispatch.server.source;

import io.sipdispatch.dispatcher.DestinationRecord;
import io.sipdispatch.server.config.DispatcherSettings;
import io.sipdispatch.server.config.PartitionSettings;
import io.sipdispatch.server.config.SipdispatchConfig;
import java.nio.file.Path;
import java.util.List;

/** Where the destinations come from: a list file or a database table. Loads run off the event loops. */
public interface DestinationSource extends AutoCloseable {
    /** Every destination, in the source's order; nothing of a source that fails is used. */
    List<DestinationRecord> load() throws SourceException;

    /** The source as messages name it (the file, or the redacted URL and the table). */
    String describe();

    @Override
    default void close() {
    }

    /** The default partition's source. */
    static DestinationSource of(SipdispatchConfig config) {
        return of(config.dispatcher().allPartitions().get(DispatcherSettings.DEFAULT_PARTITION), config.baseDir());
    }

    /**
     * A partition's source: the {@code dispatcher} table of {@code db_url}, or the list file; relative paths
     * against {@code baseDir} (the configuration file's folder), when given.
     */
    static DestinationSource of(PartitionSettings p, Path baseDir) {
        String url = p.dbUrl();
        if (url != null && !url.isBlank()) {
            return new DbSource(DbUrl.parse(url, baseDir), p.db(), url);
        }
        Path file = Path.of(p.listFile());
        return new ListFileSource(baseDir == null ? file : baseDir.resolve(file));
    }
}
