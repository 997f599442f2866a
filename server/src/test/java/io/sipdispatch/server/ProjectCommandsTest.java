package io.sipdispatch.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The contract a newcomer and CI rely on: README.md shows exactly one command to run sipdispatch on the
 * example configuration and exactly one to run the tests, .ci/run calls that same test command, and the
 * scripts and example files they name are there. Maven runs this test from server/.
 */
class ProjectCommandsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern SH_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

    private static List<String> readmeCommands() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = SH_BLOCK.matcher(readme);
        List<String> commands = new java.util.ArrayList<>();
        while (m.find()) {
            for (String line : m.group(1).split("\\n")) {
                if (!line.isBlank()) {
                    commands.add(line.trim());
                }
            }
        }
        return commands;
    }

    @Test
    void readmeHasOneRunCommandOnTheExamples() throws Exception {
        List<String> run = readmeCommands().stream().filter(c -> c.startsWith("./sipdispatch ")).toList();
        assertThat(run).containsExactly("./sipdispatch run examples/sipdispatch.yaml");
        assertThat(ROOT.resolve("examples/sipdispatch.yaml")).isRegularFile();
        assertThat(ROOT.resolve("examples/dispatcher.list")).isRegularFile();
        assertThat(Files.isExecutable(ROOT.resolve("sipdispatch"))).isTrue();
    }

    @Test
    void ciRunsTheReadmeTestCommandAndNothingElse() throws Exception {
        List<String> test = readmeCommands().stream().filter(c -> c.startsWith("./run-tests")).toList();
        assertThat(test).containsExactly("./run-tests");
        List<String> ci = Files.readAllLines(ROOT.resolve(".ci/run")).stream()
            .map(String::trim)
            .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.equals("set -e") && !l.startsWith("cd "))
            .toList();
        assertThat(ci).containsExactly("./run-tests");
        assertThat(Files.isExecutable(ROOT.resolve("run-tests"))).isTrue();
    }

    @Test
    void theTestCommandInstallsWhatTheTestsNeed() throws Exception {
        String script = Files.readString(ROOT.resolve("run-tests"));
        assertThat(script).contains("apt-get install").contains("sip-tester").contains("mvnw");
    }

    @Test
    void everyExampleFileTheReadmeCommandsNameIsThere() throws Exception {
        Pattern file = Pattern.compile("examples/[\\w./-]+\\.(?:xml|yaml|list)");
        List<String> named = new java.util.ArrayList<>();
        for (String c : readmeCommands()) {
            Matcher m = file.matcher(c);
            while (m.find()) {
                named.add(m.group());
            }
        }
        assertThat(named).contains("examples/sipp/uas.xml", "examples/sipp/uac.xml");
        for (String f : named) {
            assertThat(ROOT.resolve(f)).as(f).isRegularFile();
        }
    }
}
