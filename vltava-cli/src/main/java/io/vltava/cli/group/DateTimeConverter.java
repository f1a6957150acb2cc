package io.vltava.cli.group;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an ISO-8601 date and time: with an offset ({@code 2024-05-01T12:00:00Z},
 * {@code 2024-05-01T14:00:00+02:00}) or without one, then in the local time zone.
 *
 * <p>Threading: stateless.
 */
final class DateTimeConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(value.strip()).atZone(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not an ISO-8601 date and time (for example 2024-05-01T12:00:00Z)");
            }
        }
    }
}
