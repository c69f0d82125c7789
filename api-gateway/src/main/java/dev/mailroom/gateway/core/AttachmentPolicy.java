package dev.mailroom.gateway.core;

import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.gateway.error.ErrorCode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What every route family checks of uploaded attachments before anything is stored or queued: a
 * sane file name, content that is valid base64, no blocked type however it is disguised, and a
 * total size limit. Disguises caught: double extensions ({@code a.pdf.exe}), case ({@code A.EXE}),
 * trailing dots and spaces (Windows drops them), NUL and other control characters, and
 * bidirectional overrides that make {@code exe.pdf} display as {@code fdp.exe}.
 */
public final class AttachmentPolicy {
  public static final Set<String> BLOCKED_EXTENSIONS = Set.of("exe", "bat", "scr");
  public static final long MAX_TOTAL_BYTES = 25L * 1024 * 1024;
  public static final int MAX_FILENAME = 255;

  private static final Pattern CONTROL_OR_BIDI =
      Pattern.compile("[\\p{Cntrl}\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]");
  private static final Pattern CONTENT_TYPE =
      Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]*/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]*");

  private AttachmentPolicy() {}

  /** An attachment as a client sends it. */
  public record Upload(String filename, String contentType, String contentBase64) {}

  /**
   * A family's attachment objects as uploads; a missing (null) object becomes an upload of nothing,
   * which {@link #check} names field by field.
   */
  public static <T> List<Upload> uploads(List<T> attachments, Function<T, Upload> upload) {
    return attachments == null
        ? List.of()
        : attachments.stream()
            .map(a -> a == null ? new Upload(null, null, null) : upload.apply(a))
            .toList();
  }

  /** An accepted attachment, decoded. */
  public record Accepted(String filename, String contentType, byte[] content) {}

  /** How a route family spells an upload's fields on the wire. */
  public enum Naming {
    /** Seed 003: {@code content_type}, {@code content_base64}. */
    SNAKE_CASE("content_type", "content_base64"),
    /** Seed 004: {@code content_type}, and the base64 in {@code content}. */
    INBOX("content_type", "content"),
    /** The Email Access API's extension: {@code contentType}, {@code contentBase64}. */
    CAMEL_CASE("contentType", "contentBase64");

    private final String contentType;
    private final String contentBase64;

    Naming(String contentType, String contentBase64) {
      this.contentType = contentType;
      this.contentBase64 = contentBase64;
    }
  }

  /** All accepted, or one 400 listing every problem under {@code field[i]}, in snake case. */
  public static List<Accepted> check(String field, List<Upload> uploads) {
    return check(field, uploads, Naming.SNAKE_CASE);
  }

  /** All accepted, or one 400 listing every problem under {@code field[i]}. */
  public static List<Accepted> check(String field, List<Upload> uploads, Naming naming) {
    List<ApiError.FieldError> errors = new ArrayList<>();
    List<Accepted> accepted = new ArrayList<>();
    long total = 0;
    for (int i = 0; uploads != null && i < uploads.size(); i++) {
      Upload upload = uploads.get(i);
      String at = field + "[" + i + "]";
      String problem = filenameProblem(upload.filename());
      if (problem != null) {
        errors.add(new ApiError.FieldError(at + ".filename", problem));
        continue;
      }
      if (upload.contentType() != null && !CONTENT_TYPE.matcher(upload.contentType()).matches()) {
        errors.add(new ApiError.FieldError(at + "." + naming.contentType, "not a MIME type"));
        continue;
      }
      if (upload.contentBase64() == null || upload.contentBase64().isBlank()) {
        errors.add(new ApiError.FieldError(at + "." + naming.contentBase64, "is required"));
        continue;
      }
      byte[] content;
      try {
        content = Base64.getDecoder().decode(stripWhitespace(upload.contentBase64()));
      } catch (IllegalArgumentException e) {
        errors.add(new ApiError.FieldError(at + "." + naming.contentBase64, "not valid base64"));
        continue;
      }
      total += content.length;
      accepted.add(
          new Accepted(
              upload.filename().strip(),
              upload.contentType() == null ? "application/octet-stream" : upload.contentType(),
              content));
    }
    if (total > MAX_TOTAL_BYTES) {
      errors.add(new ApiError.FieldError(field, "attachments exceed 25 MB in total"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "Invalid attachments", errors);
    }
    return accepted;
  }

  /** Null when the name is acceptable, else why not. */
  static String filenameProblem(String filename) {
    if (filename == null || filename.isBlank()) {
      return "is required";
    }
    if (filename.length() > MAX_FILENAME) {
      return "must be at most " + MAX_FILENAME + " characters";
    }
    if (CONTROL_OR_BIDI.matcher(filename).find()) {
      return "must not contain control or direction-override characters";
    }
    String normalized =
        Normalizer.normalize(filename, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    // Windows ignores trailing dots and spaces: "a.exe. " runs as "a.exe".
    String trimmed = normalized.replaceAll("[.\\s]+$", "");
    int dot = trimmed.lastIndexOf('.');
    String extension = dot < 0 ? "" : trimmed.substring(dot + 1);
    if (BLOCKED_EXTENSIONS.contains(extension)) {
      return "files of type ." + extension + " are not allowed";
    }
    return null;
  }

  private static String stripWhitespace(String base64) {
    return base64.replaceAll("\\s+", "");
  }
}
