package dev.herald.backend.gobgp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonParseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays gobgpd's log lines (logrus JSON, one object a line) into SLF4J under the logger {@value #LOGGER}, each
 * tagged with the router ID, so an operator finds gobgpd's own words beside Herald's. Thread-safe.
 */
final class GobgpdLog {
    static final String LOGGER = "dev.herald.backend.gobgp.gobgpd";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    /** SLF4J's levels, the ones logrus maps onto. */
    enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

    /** One parsed line: the level and the text, {@code msg} followed by logrus' fields. */
    record Line(Level level, String text) {
    }

    private final String tag;

    GobgpdLog(String routerId) {
        this.tag = "gobgpd[" + routerId + "] ";
    }

    void relay(Line line) {
        String text = tag + line.text();
        switch (line.level()) {
            case ERROR:
                LOG.error(text);
                break;
            case WARN:
                LOG.warn(text);
                break;
            case INFO:
                LOG.info(text);
                break;
            case DEBUG:
                LOG.debug(text);
                break;
            default:
                LOG.trace(text);
                break;
        }
    }

    /**
     * Parses one line. A JSON object gives its {@code level} and {@code msg} and keeps its other fields (Topic, Key,
     * State, ...) as {@code key=value}; anything else (a Go panic, a stack trace) is passed on as a warning.
     */
    static Line parse(String raw) {
        String s = raw.strip();
        if (!s.startsWith("{")) {
            return new Line(Level.WARN, s);
        }
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(s);
            if (!e.isJsonObject()) {
                return new Line(Level.WARN, s);
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            return new Line(Level.WARN, s);
        }
        StringBuilder text = new StringBuilder(string(o.get("msg")));
        for (Map.Entry<String, JsonElement> f : o.entrySet()) {
            String k = f.getKey();
            if (k.equals("msg") || k.equals("level") || k.equals("time")) {
                continue;
            }
            text.append(' ').append(k).append('=').append(string(f.getValue()));
        }
        return new Line(level(string(o.get("level"))), text.toString());
    }

    private static String string(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "";
        }
        return e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    /** logrus' level names to SLF4J's; fatal and panic end gobgpd, so they are errors too. */
    static Level level(String name) {
        switch (name) {
            case "trace":
                return Level.TRACE;
            case "debug":
                return Level.DEBUG;
            case "info":
                return Level.INFO;
            case "error":
            case "fatal":
            case "panic":
                return Level.ERROR;
            default:
                return Level.WARN; // warning, and anything unknown should still be seen
        }
    }
}
