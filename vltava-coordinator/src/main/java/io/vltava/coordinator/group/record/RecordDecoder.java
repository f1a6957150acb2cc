package io.vltava.coordinator.group.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of a record key or value written by {@link RecordEncoder}. Lengths are checked
 * against the bytes left, so a damaged record fails with {@link IllegalStateException} instead of
 * allocating by a bad length.
 *
 * <p>Threading: confined to one thread.
 */
public final class RecordDecoder {

    private final ByteBuffer buffer;

    public RecordDecoder(byte[] bytes) {
        this.buffer = ByteBuffer.wrap(bytes);
    }

    public short int16() {
        try {
            return buffer.getShort();
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    public int int32() {
        try {
            return buffer.getInt();
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    public long int64() {
        try {
            return buffer.getLong();
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    public boolean bool() {
        try {
            return buffer.get() != 0;
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    public String string() {
        int length = int16();
        if (length < 0) {
            return null;
        }
        return new String(raw(length), StandardCharsets.UTF_8);
    }

    public byte[] bytes() {
        int length = int32();
        if (length < 0) {
            return null;
        }
        return raw(length);
    }

    /** A count of items that follow, each at least {@code minItemBytes} long. */
    public int count(int minItemBytes) {
        int count = int32();
        if (count < 0 || (long) count * Math.max(1, minItemBytes) > buffer.remaining()) {
            throw new IllegalStateException("A count of " + count + " does not fit in the " + buffer.remaining() + " bytes left of the record");
        }
        return count;
    }

    /** Checks that nothing is left over. */
    public void end() {
        if (buffer.hasRemaining()) {
            throw new IllegalStateException(buffer.remaining() + " bytes left after the record's fields");
        }
    }

    private byte[] raw(int length) {
        if (length > buffer.remaining()) {
            throw truncated();
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    private static IllegalStateException truncated() {
        return new IllegalStateException("A __consumer_offsets record is shorter than its fields");
    }
}
