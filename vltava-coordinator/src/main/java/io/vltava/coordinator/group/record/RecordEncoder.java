package io.vltava.coordinator.group.record;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the fields of a record key or value in the layout {@link GroupRecordType} describes.
 *
 * <p>Threading: confined to one thread.
 */
public final class RecordEncoder {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    private final DataOutputStream out = new DataOutputStream(bytes);

    /** Starts a key of this type. */
    public static RecordEncoder key(GroupRecordType type) {
        return new RecordEncoder().int16(type.id());
    }

    /** Starts a value in this version. */
    public static RecordEncoder value(int version) {
        return new RecordEncoder().int16((short) version);
    }

    public RecordEncoder int16(short value) {
        try {
            out.writeShort(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public RecordEncoder int32(int value) {
        try {
            out.writeInt(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public RecordEncoder int64(long value) {
        try {
            out.writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public RecordEncoder bool(boolean value) {
        try {
            out.writeBoolean(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A string: int16 length (-1 for null) and UTF-8 bytes. */
    public RecordEncoder string(String value) {
        if (value == null) {
            return int16((short) -1);
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("A string of " + utf8.length + " bytes is too long for a record field");
        }
        int16((short) utf8.length);
        return raw(utf8);
    }

    /** Bytes: int32 length (-1 for null) and the bytes. */
    public RecordEncoder bytes(byte[] value) {
        if (value == null) {
            return int32(-1);
        }
        int32(value.length);
        return raw(value);
    }

    private RecordEncoder raw(byte[] value) {
        try {
            out.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
