package io.sipdispatch.server;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.sipdispatch.server.transport.LeakCounter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaked a Netty buffer: registered for every class (autodetection, see
 * {@code junit-platform.properties}), it has Netty's detector report what the class left unreleased and fails
 * when the count of {@link LeakCounter} rose. The build runs the tests with
 * {@code -Dio.netty.leakDetection.level=paranoid} and the counting detector (see the surefire and failsafe
 * {@code argLine} in {@code server/pom.xml}); it refuses to run under anything less, since a sampled detector
 * misses most leaks.
 */
public final class NoNettyLeaks implements BeforeAllCallback, AfterAllCallback {
    /** Leaks counted when the last check ended: each class answers only for its own. */
    private static long checked;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID
            || !(ResourceLeakDetectorFactory.instance().newResourceLeakDetector(Object.class) instanceof LeakCounter)) {
            throw new IllegalStateException("the tests must run with -Dio.netty.leakDetection.level=paranoid and "
                + "-Dio.netty.customResourceLeakDetector=" + LeakCounter.class.getName() + " (server/pom.xml argLine)");
        }
        synchronized (NoNettyLeaks.class) {
            checked = LeakCounter.flush(); // what an earlier class left is reported there, not here
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        check(context.getDisplayName());
    }

    /** Fails when a leak was reported since the last check; the next check starts from here either way. */
    public static synchronized void check(String what) throws InterruptedException {
        long now = LeakCounter.flush();
        long leaks = now - checked;
        checked = now;
        if (leaks > 0) {
            throw new AssertionError(leaks + " Netty buffer leak(s) reported during " + what
                + ": a buffer was garbage-collected without its release (see the LEAK: lines of the log)");
        }
    }
}
