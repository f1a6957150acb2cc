package io.vltava.it;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Message;

/**
 * Sets one field of a request, at the top or inside a nested topic, partition or other entry, to an edge value: negative,
 * zero, the extremes of its type, an empty, huge or odd string, a null, a random id. The request stays well formed on
 * the wire, so the mutation reaches the handler rather than the decoder. Fields are found through the setters the
 * kafka-clients message classes generate.
 *
 * <p>Threading: one thread (the {@link Random} is not shared).
 */
final class FieldMutator {

    private static final int[] INTS = {-1, 0, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 30, 65_536, 3};
    private static final long[] LONGS = {-1, 0, Long.MAX_VALUE, Long.MIN_VALUE, -2, 1L << 40};
    private static final short[] SHORTS = {-1, 0, Short.MAX_VALUE, Short.MIN_VALUE, 2};
    private static final String[] STRINGS = {"", ".", "..", "a/b", "__consumer_offsets", "\u0000", "\ud83d\ude00", "x".repeat(40_000),
        "versions", "fuzz", null};
    /** The types of the fields this sets; collections, records and nested messages are left as they are. */
    private static final Set<Class<?>> SETTABLE = Set.of(int.class, long.class, short.class, byte.class, boolean.class, String.class,
        Uuid.class, byte[].class);

    /** Setters of an entry's place in a kafka-clients collection, not fields: setting them would corrupt the collection. */
    private static final Set<String> COLLECTION_LINKS = Set.of("setNext", "setPrev");

    private final Random random;

    FieldMutator(Random random) {
        this.random = random;
    }

    /** A copy of {@code data} with one field set to an edge value, or null if the chosen field could not be set. */
    ApiMessage mutate(ApiMessage data) {
        ApiMessage copy = (ApiMessage) data.duplicate();
        Message target = descend(copy);
        List<Method> setters = new ArrayList<>();
        for (Method method : target.getClass().getMethods()) {
            if (method.getName().startsWith("set") && method.getParameterCount() == 1 && !Modifier.isStatic(method.getModifiers())
                    && SETTABLE.contains(method.getParameterTypes()[0]) && !COLLECTION_LINKS.contains(method.getName())) {
                setters.add(method);
            }
        }
        if (setters.isEmpty()) {
            return null;
        }
        Method setter = setters.get(random.nextInt(setters.size()));
        try {
            setter.invoke(target, value(setter.getParameterTypes()[0]));
            return copy;
        } catch (IllegalAccessException | InvocationTargetException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The message itself or, more often than not, an entry of one of its collections, recursively. */
    private Message descend(Message message) {
        if (random.nextInt(4) == 0) {
            return message;
        }
        List<Message> children = new ArrayList<>();
        for (Method method : message.getClass().getMethods()) {
            if (method.getParameterCount() == 0 && Collection.class.isAssignableFrom(method.getReturnType()) && !Modifier.isStatic(method.getModifiers())) {
                try {
                    if (method.invoke(message) instanceof Collection<?> collection) {
                        collection.stream().filter(Message.class::isInstance).map(Message.class::cast).forEach(children::add);
                    }
                } catch (IllegalAccessException | InvocationTargetException e) {
                    // not a field's getter
                }
            }
        }
        return children.isEmpty() ? message : descend(children.get(random.nextInt(children.size())));
    }

    private Object value(Class<?> type) {
        if (type == int.class) {
            return INTS[random.nextInt(INTS.length)];
        } else if (type == long.class) {
            return LONGS[random.nextInt(LONGS.length)];
        } else if (type == short.class) {
            return SHORTS[random.nextInt(SHORTS.length)];
        } else if (type == byte.class) {
            return (byte) (random.nextBoolean() ? -1 : random.nextInt(256));
        } else if (type == boolean.class) {
            return random.nextBoolean();
        } else if (type == String.class) {
            return STRINGS[random.nextInt(STRINGS.length)];
        } else if (type == Uuid.class) {
            return random.nextBoolean() ? Uuid.ZERO_UUID : new Uuid(random.nextLong(), random.nextLong());
        } else if (type == byte[].class) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            return random.nextInt(8) == 0 ? null : bytes;
        }
        throw new IllegalArgumentException("no edge values for " + type);
    }
}
