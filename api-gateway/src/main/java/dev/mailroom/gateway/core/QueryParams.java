package dev.mailroom.gateway.core;

import dev.mailroom.gateway.mail.FieldProblem;
import dev.mailroom.gateway.mail.MailException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.util.MultiValueMap;

/**
 * Typed reading of query parameters with every problem reported at once as field problems (invalid
 * input), instead of the framework's generic conversion message.
 */
public final class QueryParams {
  private final MultiValueMap<String, String> params;
  private final List<FieldProblem> errors = new ArrayList<>();

  public QueryParams(MultiValueMap<String, String> params) {
    this.params = params;
  }

  public String text(String name) {
    String value = params.getFirst(name);
    return value == null || value.isBlank() ? null : value;
  }

  public Boolean bool(String name, Boolean fallback) {
    String value = text(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        errors.add(new FieldProblem(name, "must be true or false"));
        yield fallback;
      }
    };
  }

  public int integer(String name, int fallback, int min, int max) {
    String value = text(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min || parsed > max) {
        errors.add(new FieldProblem(name, "must be between " + min + " and " + max));
        return fallback;
      }
      return parsed;
    } catch (NumberFormatException e) {
      errors.add(new FieldProblem(name, "must be a whole number"));
      return fallback;
    }
  }

  /** ISO-8601 date-time with offset ({@code 2026-02-01T00:00:00Z}) or a date (midnight UTC). */
  public Instant instant(String name) {
    String value = text(name);
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.trim()).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(value.trim()).atStartOfDay().toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException again) {
        errors.add(
            new FieldProblem(name, "must be an ISO-8601 date-time such as 2026-02-01T00:00:00Z"));
        return null;
      }
    }
  }

  public void reject(String name, String message) {
    errors.add(new FieldProblem(name, message));
  }

  /** The problems found so far, for a caller that reports them later. */
  public List<FieldProblem> problems() {
    return List.copyOf(errors);
  }

  public void orThrow() {
    if (!errors.isEmpty()) {
      throw new MailException.InvalidInput("Invalid request", errors, false);
    }
  }
}
