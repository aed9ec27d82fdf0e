package dev.herald.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads {@code etc/config.properties}, the framework's launch properties. {@code ${herald.home}} is replaced by the
 * distribution folder, so a copy of the folder runs from wherever it is.
 */
final class FrameworkProperties {
    private FrameworkProperties() {
    }

    static Map<String, String> load(HeraldHome home) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(home.etc().resolve("config.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> out = new HashMap<>();
        String root = home.root().toString();
        for (String name : p.stringPropertyNames()) {
            out.put(name, p.getProperty(name).replace("${herald.home}", root));
        }
        out.put("herald.home", root);
        return out;
    }
}
