package io.vltava.it;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Turns valid request frames (size prefix included) into invalid or odd ones, deterministically from the
 * {@link Random} it is given: bit and byte flips, truncation, trailing bytes, length and count fields overwritten
 * with negative, zero and huge values, invalid UTF-8 in strings, spliced frames, pure noise; and record batches
 * whose headers lie, whose CRC is or is not recomputed, whose codec is unknown or whose compressed payload is garbage.
 *
 * <p>Threading: one thread (the {@link Random} is not shared).
 */
final class FrameMutator {

    /** What a mutation did, for the statistics and the report of a finding. */
    enum Kind {
        NOISE, BIT_FLIP, BYTE_SET, TRUNCATE, APPEND, LENGTH_FIELD, FRAME_SIZE, BAD_UTF8, SPLICE, BATCH_HEADER, BATCH_PAYLOAD, NONE
    }

    /** A mutated frame and how it was made. */
    record Mutant(Kind kind, byte[] frame) {
    }

    /** A mutated record batch and how it was made. */
    record BatchMutant(Kind kind, MemoryRecords records) {
    }

    private static final int[] INTERESTING_INTS = {-1, -2, 0, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xffff, 0x7fff, 0x8000, 1 << 24,
        100_000_000};
    private static final byte[] INTERESTING_BYTES = {0, -1, 0x7f, (byte) 0x80, 1, (byte) 0xfe};
    private static final byte[][] BAD_UTF8 = {{(byte) 0xc3, 0x28}, {(byte) 0xff}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80}, {(byte) 0xc0, (byte) 0x80}};
    /** The header fields of a v2 batch a lie can be told in: batch length, magic, attributes, last offset delta, producer id, sequence, count. */
    private static final int[][] BATCH_FIELDS = {{8, 4}, {16, 1}, {21, 2}, {23, 4}, {43, 8}, {51, 2}, {53, 4}, {57, 4}, {0, 8}, {12, 4}};

    /** Where the part of a batch its CRC covers starts: the attributes, right after the CRC. */
    private static final int CRC_COVERS_FROM = DefaultRecordBatch.CRC_OFFSET + 4;

    private final Random random;

    FrameMutator(Random random) {
        this.random = random;
    }

    /** A mutation of {@code frame}; {@code other} is a second valid frame, for splicing. */
    Mutant mutate(byte[] frame, byte[] other) {
        Kind kind = Kind.values()[random.nextInt(Kind.BATCH_HEADER.ordinal())];
        byte[] body = Arrays.copyOfRange(frame, 4, frame.length);
        byte[] mutated = switch (kind) {
            case NOISE -> noise(body);
            case BIT_FLIP -> flipBits(body);
            case BYTE_SET -> setBytes(body);
            case TRUNCATE -> Arrays.copyOf(body, random.nextInt(body.length));
            case APPEND -> append(body);
            case LENGTH_FIELD -> overwriteLength(body);
            case BAD_UTF8 -> badUtf8(body);
            case SPLICE -> splice(body, Arrays.copyOfRange(other, 4, other.length));
            default -> body;
        };
        if (kind == Kind.FRAME_SIZE) {
            return new Mutant(kind, withSize(body, frameSize(body.length)));
        }
        return new Mutant(kind, withSize(mutated, mutated.length));
    }

    /** {@code records} with a lying header or a bad payload; the CRC is recomputed or not, at random. */
    BatchMutant mutateBatch(MemoryRecords records) {
        Kind kind;
        ByteBuffer batch = ByteBuffer.allocate(records.sizeInBytes());
        batch.put(records.buffer().duplicate()).flip();
        if (random.nextBoolean() && batch.limit() > DefaultRecordBatch.RECORD_BATCH_OVERHEAD) {
            kind = Kind.BATCH_PAYLOAD;
            int from = DefaultRecordBatch.RECORD_BATCH_OVERHEAD + random.nextInt(batch.limit() - DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
            for (int i = from; i < batch.limit(); i++) {
                if (random.nextInt(4) == 0) {
                    batch.put(i, (byte) random.nextInt());
                }
            }
        } else {
            kind = Kind.BATCH_HEADER;
            int[] field = BATCH_FIELDS[random.nextInt(BATCH_FIELDS.length)];
            long value = field[0] == 21 ? 5 + random.nextInt(3) : INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
            writeField(batch, field[0], field[1], value);
        }
        if (random.nextInt(4) != 0) {
            CRC32C crc = new CRC32C();
            crc.update(batch.duplicate().position(CRC_COVERS_FROM));
            batch.putInt(DefaultRecordBatch.CRC_OFFSET, (int) crc.getValue());
        }
        return new BatchMutant(kind, MemoryRecords.readableRecords(batch));
    }

    private static void writeField(ByteBuffer buffer, int at, int width, long value) {
        switch (width) {
            case 1 -> buffer.put(at, (byte) value);
            case 2 -> buffer.putShort(at, (short) value);
            case 4 -> buffer.putInt(at, (int) value);
            default -> buffer.putLong(at, value);
        }
    }

    private byte[] noise(byte[] body) {
        byte[] bytes = new byte[1 + random.nextInt(random.nextBoolean() ? 64 : 4096)];
        random.nextBytes(bytes);
        if (random.nextBoolean() && body.length >= 4) {
            System.arraycopy(body, 0, bytes, 0, Math.min(4, bytes.length)); // a real api key and version, then noise
        }
        return bytes;
    }

    private byte[] flipBits(byte[] body) {
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt(body.length * 8);
            body[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return body;
    }

    private byte[] setBytes(byte[] body) {
        int sets = 1 + random.nextInt(4);
        for (int i = 0; i < sets; i++) {
            body[random.nextInt(body.length)] = random.nextBoolean()
                    ? INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)] : (byte) random.nextInt();
        }
        return body;
    }

    private byte[] append(byte[] body) {
        byte[] extra = new byte[1 + random.nextInt(64)];
        random.nextBytes(extra);
        byte[] longer = Arrays.copyOf(body, body.length + extra.length);
        System.arraycopy(extra, 0, longer, body.length, extra.length);
        return longer;
    }

    /**
     * Overwrites what looks like a length or count: a small int16 or int32, or a small varint byte, after the api key and
     * version. Strings, arrays and compact (varint) lengths all look like that, so most hits land on one.
     */
    private byte[] overwriteLength(byte[] body) {
        List<int[]> candidates = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(body);
        for (int at = 4; at + 1 < body.length; at++) {
            short s = buffer.getShort(at);
            if (s >= 0 && s <= 255) {
                candidates.add(new int[] {at, 2});
            }
            if (at + 3 < body.length) {
                int n = buffer.getInt(at);
                if (n >= 0 && n <= 16) {
                    candidates.add(new int[] {at, 4});
                }
            }
            if (body[at] > 0 && body[at] <= 32) {
                candidates.add(new int[] {at, 0});
            }
        }
        if (candidates.isEmpty()) {
            return flipBits(body);
        }
        int[] field = candidates.get(random.nextInt(candidates.size()));
        int value = INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
        if (field[1] == 0) {
            return writeVarint(body, field[0], value);
        }
        writeField(buffer, field[0], field[1], value);
        return body;
    }

    /** Replaces the byte at {@code at} with an unsigned varint of {@code value}, which may be longer than one byte. */
    private static byte[] writeVarint(byte[] body, int at, int value) {
        ByteBuffer varint = ByteBuffer.allocate(5);
        int v = value;
        while ((v & ~0x7f) != 0) {
            varint.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        varint.put((byte) v);
        byte[] out = new byte[body.length - 1 + varint.position()];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(varint.array(), 0, out, at, varint.position());
        System.arraycopy(body, at + 1, out, at + varint.position(), body.length - at - 1);
        return out;
    }

    /** Puts an invalid UTF-8 sequence inside a run of printable characters (a string, most likely). */
    private byte[] badUtf8(byte[] body) {
        List<Integer> printable = new ArrayList<>();
        for (int at = 8; at < body.length; at++) {
            if (body[at] >= 'a' && body[at] <= 'z') {
                printable.add(at);
            }
        }
        if (printable.isEmpty()) {
            return setBytes(body);
        }
        int at = printable.get(random.nextInt(printable.size()));
        byte[] bad = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
        for (int i = 0; i < bad.length && at + i < body.length; i++) {
            body[at + i] = bad[i];
        }
        return body;
    }

    private byte[] splice(byte[] first, byte[] second) {
        int cut = random.nextInt(first.length + 1);
        int from = random.nextInt(second.length + 1);
        byte[] spliced = Arrays.copyOf(first, cut + second.length - from);
        System.arraycopy(second, from, spliced, cut, second.length - from);
        return spliced;
    }

    /** A size prefix that lies: negative, zero, huge, or a little off (short makes the rest of the frame the next frame). */
    private int frameSize(int actual) {
        return switch (random.nextInt(5)) {
            case 0 -> -1 - random.nextInt(1000);
            case 1 -> 0;
            case 2 -> Integer.MAX_VALUE - random.nextInt(1000);
            default -> Math.max(1, actual - 1 - random.nextInt(Math.max(1, actual / 2)));
        };
    }

    private static byte[] withSize(byte[] body, int size) {
        return ByteBuffer.allocate(4 + body.length).putInt(size).put(body).array();
    }
}
