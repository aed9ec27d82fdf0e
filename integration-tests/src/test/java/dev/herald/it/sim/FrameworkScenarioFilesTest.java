package dev.herald.it.sim;

import dev.herald.it.InFramework;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenario files whose agents run in OSGi frameworks of their own ({@code agents: framework}, e.g. the bundle
 * swaps). A JVM of its own (see the pom): a framework's netty and the class path's epoll do not share one.
 */
@InFramework
class FrameworkScenarioFilesTest {
    @TempDir
    Path tmp;

    static Stream<Path> scenarios() throws IOException {
        return ScenarioFilesTest.files(true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenarioHolds(Path file) throws Exception {
        ScenarioFilesTest.holds(file, tmp);
    }
}
