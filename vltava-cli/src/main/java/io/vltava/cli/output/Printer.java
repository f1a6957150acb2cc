package io.vltava.cli.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints a command's result (records, lists and maps of them) as a table, JSON or YAML.
 *
 * <p>JSON and YAML keys are the record components in snake_case. A table shows a list of records as
 * columns headed by their upper-cased keys ({@code log_end_offset} becomes {@code LOG-END-OFFSET}); a
 * single record shows its plain fields as a two-column summary, then one titled section per list it
 * holds. Nulls print as {@code -} in tables and are left out of JSON and YAML.
 *
 * <p>Threading: one printer per command run.
 */
public final class Printer {

    private static final ObjectMapper JSON = configure(new ObjectMapper()).setSerializationInclusion(JsonInclude.Include.NON_NULL);
    /** Keeps nulls, so that a column shows {@code -} rather than vanishing when no row has a value. */
    private static final ObjectMapper TREE = configure(new ObjectMapper());

    private final OutputFormat format;
    private final PrintStream out;

    public Printer(OutputFormat format, PrintStream out) {
        this.format = format;
        this.out = out;
    }

    /** Prints {@code result}: a record, a list of records, or maps and lists of plain values. */
    public void print(Object result) {
        try {
            switch (format) {
                case JSON -> out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
                case YAML -> out.print(yaml().writeValueAsString(result));
                case TABLE -> printTable(TREE.convertValue(result, Object.class));
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    private static ObjectMapper yaml() {
        YAMLFactory factory = YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build();
        return configure(new ObjectMapper(factory)).setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    private void printTable(Object tree) {
        if (tree instanceof List<?> rows) {
            printRows(rows);
        } else if (tree instanceof Map<?, ?> fields) {
            printRecord(fields);
        } else if (tree != null) {
            out.println(tree);
        }
    }

    private void printRecord(Map<?, ?> fields) {
        List<List<String>> summary = new ArrayList<>();
        List<Map.Entry<?, ?>> sections = new ArrayList<>();
        for (Map.Entry<?, ?> field : fields.entrySet()) {
            if (field.getValue() instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map) {
                sections.add(field);
            } else {
                summary.add(List.of(header(field.getKey()), cell(field.getValue())));
            }
        }
        boolean titled = !sections.isEmpty();
        if (!summary.isEmpty()) {
            if (titled) {
                title("summary");
            }
            printAligned(summary);
        }
        for (Map.Entry<?, ?> section : sections) {
            if (titled) {
                out.println();
                title(String.valueOf(section.getKey()));
            }
            printRows((List<?>) section.getValue());
        }
    }

    private void title(String name) {
        String heading = header(name);
        out.println(heading);
        out.println("=".repeat(heading.length()));
    }

    private void printRows(List<?> rows) {
        if (rows.isEmpty()) {
            return;
        }
        if (!(rows.get(0) instanceof Map<?, ?> first)) {
            rows.forEach(row -> out.println(cell(row)));
            return;
        }
        List<Object> keys = new ArrayList<>(first.keySet());
        for (Object row : rows) {
            for (Object key : ((Map<?, ?>) row).keySet()) {
                if (!keys.contains(key)) {
                    keys.add(key);
                }
            }
        }
        List<List<String>> lines = new ArrayList<>();
        lines.add(keys.stream().map(Printer::header).toList());
        for (Object row : rows) {
            Map<?, ?> values = (Map<?, ?>) row;
            lines.add(keys.stream().map(key -> cell(values.get(key))).toList());
        }
        printAligned(lines);
    }

    private void printAligned(List<List<String>> lines) {
        int columns = lines.get(0).size();
        int[] widths = new int[columns];
        for (List<String> line : lines) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> line : lines) {
            text.setLength(0);
            for (int i = 0; i < columns; i++) {
                text.append(line.get(i));
                if (i < columns - 1) {
                    text.append(" ".repeat(widths[i] - line.get(i).length() + 2));
                }
            }
            out.println(text.toString().stripTrailing());
        }
    }

    private static String header(Object key) {
        return String.valueOf(key).toUpperCase(Locale.ROOT).replace('_', '-');
    }

    private static String cell(Object value) {
        if (value == null || value instanceof List<?> list && list.isEmpty()) {
            return "-";
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Printer::cell).collect(Collectors.joining(","));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> e.getKey() + "=" + cell(e.getValue())).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }
}
