package dev.fathom.retrieval.meta;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * How a metadata value is read as a number or a date, the same way at indexing and in a range
 * filter, so {@code year>=2020} and {@code date>=2024-03-01} compare what was written.
 */
public final class MetadataValues {
  private MetadataValues() {}

  private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

  /** The value as a number when it is written as one ({@code 2020}, {@code -1.5}). */
  public static OptionalDouble number(String v) {
    String s = v.strip();
    if (!NUMBER.matcher(s).matches()) return OptionalDouble.empty();
    return OptionalDouble.of(Double.parseDouble(s));
  }

  /**
   * The value as epoch milliseconds (UTC) when it is an ISO-8601 date ({@code 2024-03-01}), local
   * date-time (taken as UTC) or date-time with an offset ({@code 2024-03-01T10:00:00Z}).
   */
  public static OptionalLong date(String v) {
    String s = v.strip();
    if (s.length() < 10 || !Character.isDigit(s.charAt(0)) || s.charAt(4) != '-') {
      return OptionalLong.empty();
    }
    try {
      if (s.length() == 10) {
        return OptionalLong.of(
            LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
      }
      try {
        return OptionalLong.of(OffsetDateTime.parse(s).toInstant().toEpochMilli());
      } catch (DateTimeParseException e) {
        try {
          return OptionalLong.of(Instant.parse(s).toEpochMilli());
        } catch (DateTimeParseException e2) {
          return OptionalLong.of(LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli());
        }
      }
    } catch (DateTimeParseException e) {
      return OptionalLong.empty();
    }
  }
}
