package dev.mailroom.gateway.error;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * A request body Jackson could not read, said as a client can act on it: where the JSON broke
 * (line, column and the path into the document where known), which field is not taken, or which
 * field has a value of the wrong type. Never the gateway's class names.
 */
final class JsonProblems {
  private static final Pattern ACCEPTED = Pattern.compile("\\[([^\\[\\]]*)\\]\\s*$");

  private JsonProblems() {}

  static ApiError describe(JacksonException e) {
    String path = path(e);
    if (e instanceof UnrecognizedPropertyException unknown) {
      String field = path.isEmpty() ? unknown.getPropertyName() : path;
      return new ApiError(
          ErrorCode.UNKNOWN_FIELD,
          "Unknown field '" + field + "'; this route does not take it",
          List.of(new ApiError.FieldError(field, "is not a field of this request")));
    }
    if (e instanceof ValueInstantiationException invalid && invalid.getCause() != null) {
      // A request record refused its own values (its constructor checks them).
      return new ApiError(
          ErrorCode.INVALID_REQUEST,
          "Invalid request",
          List.of(
              new ApiError.FieldError(
                  path.isEmpty() ? "body" : path, invalid.getCause().getMessage())));
    }
    if (e instanceof MismatchedInputException mismatch && !(e instanceof StreamReadException)) {
      String expected = expected(mismatch);
      if (!path.isEmpty()) {
        return new ApiError(
            ErrorCode.INVALID_REQUEST,
            "Invalid request",
            List.of(new ApiError.FieldError(path, "must be " + expected)));
      }
      return new ApiError(ErrorCode.INVALID_REQUEST, "The body must be " + expected, List.of());
    }
    return malformed(e, path);
  }

  private static ApiError malformed(JacksonException e, String path) {
    TokenStreamLocation location = e.getLocation();
    Integer line = location == null || location.getLineNr() < 1 ? null : location.getLineNr();
    Integer column = location == null || location.getColumnNr() < 1 ? null : location.getColumnNr();
    if (path.isEmpty() && e instanceof StreamReadException read) {
      path = parserPath(read);
    }
    String where =
        line == null
            ? ""
            : " at line " + line + ", column " + column + (path.isEmpty() ? "" : " (" + path + ")");
    String problem = e.getOriginalMessage() == null ? "" : ": " + firstLine(e.getOriginalMessage());
    return new ApiError(
        ErrorCode.MALFORMED_JSON.name(),
        "Malformed JSON" + where + problem,
        ErrorCode.MALFORMED_JSON.status().value(),
        path.isEmpty() ? List.of() : List.of(new ApiError.FieldError(path, "malformed JSON here")),
        ErrorCode.MALFORMED_JSON.docs(),
        line,
        column);
  }

  /** {@code to[0].email}: the references Jackson collected on the way down. */
  static String path(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** Where the parser was when the syntax broke, as {@code eventTypes[1]}. */
  private static String parserPath(StreamReadException e) {
    try {
      JsonParser parser = e.processor();
      if (parser != null && parser.streamReadContext() != null) {
        String pointer = parser.streamReadContext().pathAsPointer().toString();
        StringBuilder path = new StringBuilder();
        for (String segment : pointer.split("/")) {
          if (segment.isEmpty()) {
            continue;
          }
          if (segment.chars().allMatch(Character::isDigit)) {
            path.append('[').append(segment).append(']');
          } else {
            path.append(path.isEmpty() ? "" : ".")
                .append(segment.replace("~1", "/").replace("~0", "~"));
          }
        }
        return path.toString();
      }
    } catch (RuntimeException unavailable) {
      // The parser is gone; line and column still say where.
    }
    return "";
  }

  private static String expected(MismatchedInputException e) {
    Class<?> type = e.getTargetType();
    if (type != null && type.isEnum()) {
      // Jackson lists the accepted values in brackets at the end of its message.
      Matcher values = ACCEPTED.matcher(String.valueOf(e.getOriginalMessage()));
      return values.find() ? "one of " + values.group(1) : "one of the documented values";
    }
    if (type == null) {
      return "a value of another type";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type == String.class || type.isEnum()) {
      return "a string";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type)
        || type.isRecord()
        || !type.getName().startsWith("java.")) {
      return "an object";
    }
    return "a value of another type";
  }

  private static String firstLine(String message) {
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
