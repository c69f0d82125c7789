package dev.mailroom.model.text;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Locale;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * How every timestamp a client sees is written: UTC with exactly three decimals ({@code
 * 2026-12-01T10:00:00.123Z}). {@link Instant#toString()} writes none, three, six or nine decimals
 * depending on the value, so the same field changed width from one answer to the next; MongoDB
 * keeps milliseconds, so three are all there is.
 */
public final class Timestamps {
  private static final DateTimeFormatter MILLIS =
      new DateTimeFormatterBuilder().appendInstant(3).toFormatter(Locale.ROOT);

  private Timestamps() {}

  /** The instant with exactly three decimals (finer digits are cut off); null for null. */
  public static String format(Instant instant) {
    return instant == null ? null : MILLIS.format(instant);
  }

  /** Writes every {@link Instant} as {@link #format} does; for each service's JSON mapper. */
  public static SimpleModule jacksonModule() {
    return new SimpleModule("mailroom-timestamps")
        .addSerializer(
            Instant.class,
            new StdSerializer<Instant>(Instant.class) {
              @Override
              public void serialize(Instant value, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeString(format(value));
              }
            });
  }
}
