package io.vltava.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Makes Netty buffer leaks fail tests instead of only being logged.
 *
 * <p>Leak detection runs at {@code paranoid} (every buffer is tracked). When a tracked buffer is
 * garbage collected without having been released, Netty's {@link ResourceLeakDetector} logs an
 * ERROR the next time a buffer is allocated; this class captures those log events. A test class
 * registers it with {@code @ExtendWith(NettyLeaks.class)} (or calls {@link #assertNoLeaks()} from a
 * jqwik {@code @AfterContainer}); after the class it forces a few GCs and allocations and fails if
 * anything was reported.
 *
 * <p>Leaks are found when buffers are collected, so a report may name a buffer leaked by an earlier
 * test class; the record in the report says where it was allocated and last touched.
 *
 * <p>Threading: reports are collected in a thread-safe list from any thread; the checks run on the test thread.
 */
public final class NettyLeaks implements BeforeAllCallback, AfterAllCallback {

    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                    REPORTS.add(event.getFormattedMessage());
                }
            }
        };
        appender.setContext(logger.getLoggerContext());
        appender.setName("netty-leaks");
        appender.start();
        logger.addAppender(appender);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Loading this class installed the appender; leaks from before it cannot be attributed.
        collect();
        REPORTS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeaks();
    }

    /** Forces garbage collection and the detector's checks, then fails if any buffer leaked. */
    public static void assertNoLeaks() {
        collect();
        List<String> leaks = new ArrayList<>(REPORTS);
        REPORTS.clear();
        assertThat(leaks).as("Netty reported leaked buffers").isEmpty();
    }

    private static void collect() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // At paranoid level every allocation first reports the leaks that the GC has enqueued.
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(1);
            pooled.release();
            ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(1);
            unpooled.release();
        }
    }
}
