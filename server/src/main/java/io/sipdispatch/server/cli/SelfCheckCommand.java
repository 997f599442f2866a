package io.sipdispatch.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code sipdispatch self-check}: the codec over built-in messages, one line each. */
@Command(name = "self-check", mixinStandardHelpOptions = true,
    description = "Check the SIP codec on built-in messages (valid, malformed, over-limit) and exit.")
final class SelfCheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        int failed = SelfCheck.run(System.out);
        System.out.println(failed == 0 ? "self-check passed" : "self-check FAILED: " + failed + " case(s)");
        return failed == 0 ? 0 : 1;
    }
}
