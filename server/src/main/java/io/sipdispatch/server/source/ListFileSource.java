package io.sipdispatch.server.source;

import io.sipdispatch.dispatcher.DestinationRecord;
import java.nio.file.Path;
import java.util.List;

/** Kamailio's {@code dispatcher.list}, read whole at each load. */
public record ListFileSource(Path file) implements DestinationSource {
    @Override
    public List<DestinationRecord> load() throws SourceException {
        try {
            return ListFile.read(file);
        } catch (ListFileException e) {
            throw new SourceException(e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }
}
