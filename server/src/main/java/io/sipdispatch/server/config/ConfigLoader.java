package io.sipdispatch.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * Reads {@code sipdispatch.yaml} into a {@link SipdispatchConfig}. Keys are snake_case; an unknown key, a
 * wrong type or a bad value is refused as {@code FILE:LINE: KEY: reason}.
 */
public final class ConfigLoader {
    private static final YAMLMapper MAPPER = mapper();

    private ConfigLoader() {
    }

    private static YAMLMapper mapper() {
        SimpleModule durations = new SimpleModule("durations");
        durations.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                try {
                    return Durations.parse(p.getValueAsString());
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(p, e.getMessage());
                }
            }
        });
        return YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .addModule(durations)
            .build();
    }

    public static SipdispatchConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such configuration file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(file.toString(), text).withBaseDir(dir);
    }

    /** Binds {@code text}; {@code name} is the file name for messages. */
    public static SipdispatchConfig parse(String name, String text) throws ConfigException {
        if (text.isBlank()) {
            throw new ConfigException(name + ": the configuration is empty");
        }
        try {
            SipdispatchConfig c = MAPPER.readValue(text, SipdispatchConfig.class);
            if (c == null) {
                throw new ConfigException(name + ": the configuration is empty");
            }
            return c;
        } catch (JsonMappingException e) {
            throw new ConfigException(describe(name, text, e), e);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new ConfigException(name + ":" + (loc != null ? loc.getLineNr() : 0) + ": not valid YAML: "
                + e.getOriginalMessage(), e);
        }
    }

    private static String describe(String name, String text, JsonMappingException e) {
        JsonLocation loc = e.getLocation();
        int line = loc != null ? loc.getLineNr() : 0;
        String key = e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining(".")).replace(".[", "[");
        String reason;
        if (e instanceof UnrecognizedPropertyException u) {
            reason = "unknown key '" + u.getPropertyName() + "' (known here: "
                + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
        } else {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            reason = root instanceof JsonMappingException jm ? jm.getOriginalMessage() : root.getMessage();
            if (reason != null) {
                int nl = reason.indexOf('\n');
                reason = nl > 0 ? reason.substring(0, nl) : reason;
            }
        }
        if (e instanceof UnrecognizedPropertyException u) {
            line = lineOfKey(text, String.valueOf(u.getPropertyName()), line);
        }
        return name + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ") + reason;
    }

    /**
     * The line of {@code key}, searched back from where the parser stopped: the parser reports an unknown
     * key after it has read past it.
     */
    private static int lineOfKey(String text, String key, int reported) {
        String[] lines = text.split("\n", -1);
        for (int i = Math.min(reported, lines.length) - 1; i >= 0; i--) {
            String l = lines[i];
            int k = l.indexOf(key);
            if (k >= 0 && l.substring(k + key.length()).trim().startsWith(":")) {
                return i + 1;
            }
        }
        return reported;
    }
}
