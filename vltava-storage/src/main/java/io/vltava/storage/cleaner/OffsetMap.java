package io.vltava.storage.cleaner;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A map of fixed memory from record keys to the latest offset seen for each, filled from the dirty
 * section of one log per cleaning. As in Kafka's SkimpyOffsetMap, keys are not stored: a key stands
 * for its 16-byte MD5 digest (two keys with the same digest would be taken for one, a chance small
 * enough to ignore), so every entry takes {@value #BYTES_PER_ENTRY} bytes whatever the key's size.
 *
 * <pre>
 * slot: int64 digest bytes 0-7 | int64 digest bytes 8-15 | int64 offset + 1 (0 marks an empty slot)
 * </pre>
 *
 * Slots live in one buffer allocated up front. The slot count is a prime, so double hashing (a start
 * slot and a step both taken from the digest) visits every slot; new keys are refused once
 * {@value #LOAD_FACTOR} of the slots are taken, which keeps probe sequences short. There is no removal:
 * {@link #clear} empties the map for the next cleaning.
 *
 * <p>Threading: not thread-safe; each cleaner thread owns one.
 */
final class OffsetMap {

    static final int BYTES_PER_ENTRY = 24;
    static final double LOAD_FACTOR = 0.9;

    private static final int DIGEST_BYTES = 16;
    private static final int OFFSET_AT = 16;

    private final ByteBuffer table;
    private final int slots;
    private final int capacity;
    private final MessageDigest md5;
    private final byte[] digest = new byte[DIGEST_BYTES];
    private final ByteBuffer digestView = ByteBuffer.wrap(digest);
    private long digestHigh;
    private long digestLow;
    private int size;

    /**
     * @param memoryBytes the memory the map may use
     * @throws IllegalArgumentException if that leaves room for no key at all
     */
    OffsetMap(int memoryBytes) {
        this.slots = largestPrimeAtMost(memoryBytes / BYTES_PER_ENTRY);
        this.capacity = (int) (slots * LOAD_FACTOR);
        if (capacity < 1) {
            throw new IllegalArgumentException("An offset map of " + memoryBytes + " bytes holds no key: raise log.cleaner.dedupe.buffer.size"
                    + " or lower log.cleaner.threads");
        }
        this.table = ByteBuffer.allocate(slots * BYTES_PER_ENTRY);
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has MD5", e);
        }
    }

    /** Slots in the table. */
    int slots() {
        return slots;
    }

    /** The most keys the map accepts. */
    int capacity() {
        return capacity;
    }

    /** Keys in the map. */
    int size() {
        return size;
    }

    /**
     * Records {@code offset} as the latest offset of {@code key} (read from its position to its limit,
     * which are left as they were).
     *
     * @return false, leaving the map unchanged, if the key is new and the map is full
     */
    boolean put(ByteBuffer key, long offset) {
        hash(key);
        int slot = firstSlot();
        int step = step();
        while (true) {
            int at = slot * BYTES_PER_ENTRY;
            if (table.getLong(at + OFFSET_AT) == 0) {
                if (size >= capacity) {
                    return false;
                }
                table.putLong(at, digestHigh).putLong(at + 8, digestLow).putLong(at + OFFSET_AT, offset + 1);
                size++;
                return true;
            }
            if (table.getLong(at) == digestHigh && table.getLong(at + 8) == digestLow) {
                table.putLong(at + OFFSET_AT, offset + 1);
                return true;
            }
            slot = next(slot, step);
        }
    }

    /** The latest offset recorded for {@code key}, or -1 if it is not in the map. */
    long get(ByteBuffer key) {
        hash(key);
        int slot = firstSlot();
        int step = step();
        for (int probe = 0; probe < slots; probe++) {
            int at = slot * BYTES_PER_ENTRY;
            long stored = table.getLong(at + OFFSET_AT);
            if (stored == 0) {
                return -1L;
            }
            if (table.getLong(at) == digestHigh && table.getLong(at + 8) == digestLow) {
                return stored - 1;
            }
            slot = next(slot, step);
        }
        return -1L;
    }

    /** Empties the map. */
    void clear() {
        Arrays.fill(table.array(), (byte) 0);
        size = 0;
    }

    private void hash(ByteBuffer key) {
        int position = key.position();
        md5.update(key);
        key.position(position);
        try {
            md5.digest(digest, 0, DIGEST_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException("MD5 digests are 16 bytes", e);
        }
        digestHigh = digestView.getLong(0);
        digestLow = digestView.getLong(8);
    }

    private int firstSlot() {
        return (int) Long.remainderUnsigned(digestHigh, slots);
    }

    /** A step in [1, slots - 1]: with a prime slot count, every step reaches every slot. */
    private int step() {
        return 1 + (int) Long.remainderUnsigned(digestLow, slots - 1);
    }

    private int next(int slot, int step) {
        int next = slot + step;
        return next >= slots ? next - slots : next;
    }

    static int largestPrimeAtMost(int n) {
        for (int candidate = n; candidate >= 2; candidate--) {
            if (isPrime(candidate)) {
                return candidate;
            }
        }
        return n;
    }

    private static boolean isPrime(int n) {
        if (n < 4) {
            return n >= 2;
        }
        if (n % 2 == 0) {
            return false;
        }
        for (int divisor = 3; (long) divisor * divisor <= n; divisor += 2) {
            if (n % divisor == 0) {
                return false;
            }
        }
        return true;
    }
}
