package dev.herald.ops;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays warnings and errors from the OSGi Log Service into the agent's log. Declarative Services and Configuration
 * Admin report there (a component whose activation threw, a bad configuration), and without this an operator would
 * never see them. Lower levels stay in the Log Service: the framework logs every bundle event at INFO.
 */
@Component(service = {}) // immediate: it must listen from the start, nobody looks it up
public final class LogForwarder implements LogListener {
    private final LogReaderService reader;

    @Activate
    public LogForwarder(@Reference LogReaderService reader) {
        this.reader = reader;
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        LogLevel level = entry.getLogLevel();
        if (level != LogLevel.ERROR && level != LogLevel.WARN && level != LogLevel.AUDIT) {
            return;
        }
        String source = entry.getBundle() == null ? "osgi" : entry.getBundle().getSymbolicName();
        Logger log = LoggerFactory.getLogger(source);
        if (level == LogLevel.WARN) {
            log.warn("{}", entry.getMessage(), entry.getException());
        } else if (level == LogLevel.AUDIT) {
            log.info("{}", entry.getMessage(), entry.getException());
        } else {
            log.error("{}", entry.getMessage(), entry.getException());
        }
    }
}
