package io.vltava.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Collects what the broker logs that means a bug: any ERROR under {@code io.vltava} (a handler that threw, an error
 * response that could not be built), any WARN there that carries an exception, and Netty's reports of leaked buffers.
 *
 * <p>Threading: events arrive on any thread; {@link #drain()} may be called from any thread.
 */
final class BrokerLogWatch extends AppenderBase<ILoggingEvent> {

    private static final String[] WATCHED = {"io.vltava", "io.netty.util.ResourceLeakDetector"};

    private final ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();

    /** Starts watching; {@link #close()} stops. */
    static BrokerLogWatch install() {
        BrokerLogWatch watch = new BrokerLogWatch();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        watch.setContext(root.getLoggerContext());
        watch.setName("broker-log-watch");
        watch.start();
        for (String name : WATCHED) {
            ((Logger) LoggerFactory.getLogger(name)).addAppender(watch);
        }
        return watch;
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.ERROR) || event.getLevel() == Level.WARN && event.getThrowableProxy() != null) {
            String stack = event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
            reports.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage() + stack);
        }
    }

    /** The reports since the last call. */
    List<String> drain() {
        List<String> drained = new ArrayList<>();
        String report;
        while ((report = reports.poll()) != null) {
            drained.add(report);
        }
        return drained;
    }

    void close() {
        for (String name : WATCHED) {
            ((Logger) LoggerFactory.getLogger(name)).detachAppender(this);
        }
        stop();
    }
}
