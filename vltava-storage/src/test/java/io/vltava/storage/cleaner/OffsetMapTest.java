package io.vltava.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OffsetMapTest {

    private static ByteBuffer key(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void remembersTheLatestOffsetOfEachKey() {
        OffsetMap map = new OffsetMap(1024);
        assertThat(map.put(key("a"), 0)).isTrue();
        assertThat(map.put(key("b"), 1)).isTrue();
        assertThat(map.put(key("a"), 2)).isTrue();

        assertThat(map.get(key("a"))).isEqualTo(2);
        assertThat(map.get(key("b"))).isEqualTo(1);
        assertThat(map.get(key("c"))).isEqualTo(-1);
        assertThat(map.size()).isEqualTo(2);
    }

    @Test
    void offsetZeroIsAnOffsetLikeAnyOther() {
        OffsetMap map = new OffsetMap(1024);
        map.put(key("a"), 0);
        assertThat(map.get(key("a"))).isZero();
    }

    @Test
    void leavesTheKeyBufferAsItWas() {
        OffsetMap map = new OffsetMap(1024);
        ByteBuffer key = ByteBuffer.wrap("xxkeyxx".getBytes(StandardCharsets.UTF_8), 2, 3);
        map.put(key, 5);
        assertThat(key.position()).isEqualTo(2);
        assertThat(key.limit()).isEqualTo(5);
        assertThat(map.get(key("key"))).isEqualTo(5);
    }

    @Test
    void usesAPrimeNumberOfSlotsAndFillsThemUpToTheLoadFactor() {
        OffsetMap map = new OffsetMap(100 * OffsetMap.BYTES_PER_ENTRY);
        assertThat(map.slots()).isEqualTo(97);
        assertThat(map.capacity()).isEqualTo(87);
        for (int i = 0; i < 87; i++) {
            assertThat(map.put(key("k" + i), i)).isTrue();
        }

        assertThat(map.put(key("one too many"), 100)).isFalse();
        assertThat(map.get(key("one too many"))).isEqualTo(-1);
        assertThat(map.put(key("k3"), 200)).as("an existing key is updated even when the map is full").isTrue();
        assertThat(map.get(key("k3"))).isEqualTo(200);
        assertThat(map.size()).isEqualTo(87);
    }

    @Test
    void clearEmptiesTheMap() {
        OffsetMap map = new OffsetMap(1024);
        map.put(key("a"), 7);
        map.clear();
        assertThat(map.size()).isZero();
        assertThat(map.get(key("a"))).isEqualTo(-1);
    }

    @Test
    void agreesWithAHashMapOnManyKeys() {
        OffsetMap map = new OffsetMap(200_000 * OffsetMap.BYTES_PER_ENTRY);
        Map<String, Long> expected = new HashMap<>();
        Random random = new Random(1);
        for (long offset = 0; offset < 300_000; offset++) {
            String k = "key-" + random.nextInt(150_000);
            assertThat(map.put(key(k), offset)).isTrue();
            expected.put(k, offset);
        }
        assertThat(map.size()).isEqualTo(expected.size());
        expected.forEach((k, offset) -> assertThat(map.get(key(k))).isEqualTo(offset));
        assertThat(map.get(key("absent"))).isEqualTo(-1);
    }

    @Test
    void refusesMemoryThatHoldsNoKey() {
        assertThatThrownBy(() -> new OffsetMap(OffsetMap.BYTES_PER_ENTRY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("log.cleaner.dedupe.buffer.size");
        assertThat(new OffsetMap(2 * OffsetMap.BYTES_PER_ENTRY).capacity()).isEqualTo(1);
    }

    @Test
    void findsTheLargestPrimeAtMostANumber() {
        assertThat(OffsetMap.largestPrimeAtMost(2)).isEqualTo(2);
        assertThat(OffsetMap.largestPrimeAtMost(10)).isEqualTo(7);
        assertThat(OffsetMap.largestPrimeAtMost(97)).isEqualTo(97);
        assertThat(OffsetMap.largestPrimeAtMost(5_592_405)).isEqualTo(5_592_373);
    }
}
