package io.vltava.storage.log;

/**
 * An offset together with where it lies in the log: the segment holding it and the byte position of
 * the batch it starts. Reads use the position of the high watermark to know where to stop without a
 * lookup, and delayed fetches use positions to count the bytes that have arrived.
 *
 * @param offset          the offset
 * @param segmentBaseOffset base offset of the segment it is in, or {@link #UNKNOWN} when not known
 * @param position        byte position in that segment, or {@code -1} when not known
 */
public record LogOffsetMetadata(long offset, long segmentBaseOffset, int position) {

    public static final long UNKNOWN = -1L;

    public static LogOffsetMetadata offsetOnly(long offset) {
        return new LogOffsetMetadata(offset, UNKNOWN, -1);
    }

    public boolean hasPosition() {
        return segmentBaseOffset != UNKNOWN;
    }

    /** Whether both are in the same known segment. */
    public boolean onSameSegment(LogOffsetMetadata other) {
        return hasPosition() && other.hasPosition() && segmentBaseOffset == other.segmentBaseOffset;
    }

    /** Bytes from {@code earlier} to this, when both are in the same segment. */
    public int positionDiff(LogOffsetMetadata earlier) {
        return position - earlier.position;
    }
}
