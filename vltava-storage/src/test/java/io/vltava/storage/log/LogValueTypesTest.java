package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The small value types of the log: offsets with positions, timestamp types and configurations. */
class LogValueTypesTest {

    @Test
    void anOffsetOnlyHasNoPosition() {
        LogOffsetMetadata offsetOnly = LogOffsetMetadata.offsetOnly(42);

        assertThat(offsetOnly.offset()).isEqualTo(42);
        assertThat(offsetOnly.hasPosition()).isFalse();
        assertThat(offsetOnly.segmentBaseOffset()).isEqualTo(LogOffsetMetadata.UNKNOWN);
        assertThat(offsetOnly.onSameSegment(offsetOnly)).isFalse();
    }

    @Test
    void positionsCompareWithinOneSegment() {
        LogOffsetMetadata earlier = new LogOffsetMetadata(10, 0, 100);
        LogOffsetMetadata later = new LogOffsetMetadata(20, 0, 350);
        LogOffsetMetadata nextSegment = new LogOffsetMetadata(30, 25, 40);

        assertThat(later.onSameSegment(earlier)).isTrue();
        assertThat(later.positionDiff(earlier)).isEqualTo(250);
        assertThat(nextSegment.onSameSegment(later)).isFalse();
        assertThat(later.onSameSegment(LogOffsetMetadata.offsetOnly(20))).isFalse();
    }

    @Test
    void timestampTypesAreNamedAsInTopicConfigs() {
        assertThat(TimestampType.forConfig("CreateTime")).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(TimestampType.forConfig("LogAppendTime")).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(TimestampType.forConfig("logappendtime")).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(TimestampType.LOG_APPEND_TIME.configName()).isEqualTo("LogAppendTime");
        assertThatThrownBy(() -> TimestampType.forConfig("WallClock")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultConfigIsKafkasAndWithersChangeOneSetting() {
        LogConfig defaults = LogConfig.DEFAULT;

        assertThat(defaults.segmentBytes()).isEqualTo(1024 * 1024 * 1024);
        assertThat(defaults.segmentIndexBytes()).isEqualTo(10 * 1024 * 1024);
        assertThat(defaults.indexIntervalBytes()).isEqualTo(4096);
        assertThat(defaults.flushMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(defaults.timestampType()).isEqualTo(TimestampType.CREATE_TIME);

        assertThat(defaults.retentionMs()).isEqualTo(7 * 24 * 3_600_000L);
        assertThat(defaults.delete()).isTrue();
        assertThat(defaults.compact()).isFalse();
        assertThat(LogConfig.builder().build()).isEqualTo(defaults);

        assertThat(defaults.withSegmentBytes(100)).isEqualTo(defaults.toBuilder().segmentBytes(100).build());
        assertThat(defaults.withSegmentBytes(100).segmentMs()).isEqualTo(defaults.segmentMs());
        assertThat(defaults.withFlushMessages(1).flushMessages()).isEqualTo(1);
        assertThat(defaults.withFlushMessages(1).segmentBytes()).isEqualTo(defaults.segmentBytes());
        assertThat(defaults.withTimestampType(TimestampType.LOG_APPEND_TIME).timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    }

    @Test
    void theEmptySliceIsEmpty() {
        assertThat(LogSlice.EMPTY.isEmpty()).isTrue();
        assertThat(LogSlice.EMPTY.size()).isZero();
    }
}
