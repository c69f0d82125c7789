package dev.mailroom.gateway.error;

import java.util.List;
import org.springframework.http.HttpStatus;

/** Thrown anywhere in a request; rendered as {@link ApiError} by {@link ApiErrorHandler}. */
public class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final String code;
  private final List<ApiError.FieldError> fieldErrors;

  public ApiException(HttpStatus status, String code, String message) {
    this(status, code, message, List.of());
  }

  public ApiException(
      HttpStatus status, String code, String message, List<ApiError.FieldError> fieldErrors) {
    super(message);
    this.status = status;
    this.code = code;
    this.fieldErrors = fieldErrors;
  }

  public static ApiException notFound(String what) {
    return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", what + " not found");
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(
        HttpStatus.BAD_REQUEST,
        "INVALID_REQUEST",
        "Invalid request",
        List.of(new ApiError.FieldError(field, message)));
  }

  public ApiError toError() {
    return new ApiError(code, getMessage(), status.value(), fieldErrors);
  }

  public HttpStatus status() {
    return status;
  }
}
