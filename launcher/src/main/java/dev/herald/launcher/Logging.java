package dev.herald.launcher;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Logging for the whole agent lives on the launcher's class path: Logback configured by {@code etc/logback.xml},
 * writing to stdout and {@code log/herald.log}. The system bundle exports {@code org.slf4j} to every bundle, and
 * java.util.logging (grpc-java uses it) is bridged in, so every log line of the process goes to one place.
 */
final class Logging {
    private Logging() {
    }

    /** Must run before the first logger is created. */
    static void init(HeraldHome home, String consoleLevel) {
        System.setProperty("herald.home", home.root().toString());
        System.setProperty("herald.console.level", consoleLevel);
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", home.etc().resolve("logback.xml").toString());
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }
}
