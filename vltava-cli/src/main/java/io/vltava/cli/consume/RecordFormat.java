package io.vltava.cli.consume;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@code --format} template, kcat-style: {@code %k} key, {@code %v} value, {@code %h} headers as
 * {@code k=v,...}, {@code %p} partition, {@code %o} offset, {@code %t} timestamp, {@code %T} topic,
 * {@code %%} a percent sign, and the escapes {@code \n}, {@code \t} and {@code \\}.
 *
 * <p>Threading: immutable.
 */
final class RecordFormat {

    private final List<Function<ConsumerRecord<byte[], byte[]>, String>> parts;

    private RecordFormat(List<Function<ConsumerRecord<byte[], byte[]>, String>> parts) {
        this.parts = parts;
    }

    static RecordFormat parse(String template) {
        List<Function<ConsumerRecord<byte[], byte[]>, String>> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if ((c != '%' && c != '\\') || i + 1 == template.length()) {
                literal.append(c);
                continue;
            }
            char next = template.charAt(++i);
            if (c == '\\') {
                literal.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case '\\' -> '\\';
                    default -> throw unknown("\\" + next);
                });
                continue;
            }
            Function<ConsumerRecord<byte[], byte[]>, String> field = switch (next) {
                case 'k' -> r -> text(r.key());
                case 'v' -> r -> text(r.value());
                case 'h' -> RecordFormat::headers;
                case 'p' -> r -> Integer.toString(r.partition());
                case 'o' -> r -> Long.toString(r.offset());
                case 't' -> r -> Long.toString(r.timestamp());
                case 'T' -> ConsumerRecord::topic;
                case '%' -> null;
                default -> throw unknown("%" + next);
            };
            if (field == null) {
                literal.append('%');
            } else {
                addLiteral(parts, literal);
                parts.add(field);
            }
        }
        addLiteral(parts, literal);
        return new RecordFormat(List.copyOf(parts));
    }

    String format(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder line = new StringBuilder();
        for (Function<ConsumerRecord<byte[], byte[]>, String> part : parts) {
            line.append(part.apply(record));
        }
        return line.toString();
    }

    /** A key or value as UTF-8 text; none prints as nothing. */
    static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String headers(ConsumerRecord<byte[], byte[]> record) {
        return StreamSupport.stream(record.headers().spliterator(), false)
                .map(header -> header.key() + "=" + text(header.value())).collect(Collectors.joining(","));
    }

    private static void addLiteral(List<Function<ConsumerRecord<byte[], byte[]>, String>> parts, StringBuilder literal) {
        if (!literal.isEmpty()) {
            String text = literal.toString();
            parts.add(r -> text);
            literal.setLength(0);
        }
    }

    private static CommandFailure unknown(String placeholder) {
        return new CommandFailure(ExitCodes.USAGE, "--format: unknown placeholder or escape '" + placeholder
                + "' (use %k %v %h %p %o %t %T %% \\n \\t \\\\)");
    }
}
