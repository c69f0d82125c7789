package dev.mailroom.gateway.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The one JSON error shape of the gateway, in every route family: a stable machine {@code code}
 * (see {@link ErrorCode}), a human {@code message}, the HTTP {@code status}, per-field problems for
 * 400s, and where the code is documented; for a body that is not JSON, where reading it stopped.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(description = "An error answer; the same shape in every route family.")
public record ApiError(
    @Schema(
            description = "Stable machine-readable code; see docs/errors.md.",
            example = "UNKNOWN_FIELD")
        String code,
    @Schema(description = "What went wrong, for a human.", example = "Unknown field 'attachmentz'")
        String message,
    @Schema(description = "The HTTP status, repeated.", example = "400") int status,
    @Schema(description = "The fields at fault, for a 400.") List<FieldError> fieldErrors,
    @Schema(
            description = "Where the code is documented: docs/errors.md and the code's section.",
            example = "docs/errors.md#unknown-field")
        String docs,
    @Schema(
            description = "MALFORMED_JSON only: the line where reading stopped (1-based).",
            example = "3")
        Integer line,
    @Schema(
            description = "MALFORMED_JSON only: the column where reading stopped (1-based).",
            example = "17")
        Integer column) {

  public ApiError(String code, String message, int status, List<FieldError> fieldErrors) {
    this(
        code,
        message,
        status,
        fieldErrors,
        ErrorCode.of(code).map(ErrorCode::docs).orElse(null),
        null,
        null);
  }

  public ApiError(ErrorCode code, String message, List<FieldError> fieldErrors) {
    this(code.name(), message, code.status().value(), fieldErrors);
  }

  public static ApiError of(ErrorCode code, String message) {
    return new ApiError(code, message, List.of());
  }

  @Schema(description = "One field at fault.")
  public record FieldError(
      @Schema(
              description = "The field, as a path into the body (to[0].email) or a parameter name.",
              example = "attachments[0].contentBase64")
          String field,
      @Schema(description = "What is wrong with it.", example = "is not valid base64")
          String message) {}
}
