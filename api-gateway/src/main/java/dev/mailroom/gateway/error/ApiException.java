package dev.mailroom.gateway.error;

import java.util.List;
import org.springframework.http.HttpStatus;

/** Thrown anywhere in a request; rendered as {@link ApiError} by {@link ApiErrorHandler}. */
public class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final String code;
  private final List<ApiError.FieldError> fieldErrors;

  public ApiException(ErrorCode code, String message) {
    this(code, message, List.of());
  }

  public ApiException(ErrorCode code, String message, List<ApiError.FieldError> fieldErrors) {
    this(code.status(), code.name(), message, fieldErrors);
  }

  /**
   * With the code by name; prefer the {@link ErrorCode} constructors. The name must be one of
   * {@link ErrorCode}'s, so that every code a client can see is documented.
   */
  public ApiException(HttpStatus status, String code, String message) {
    this(status, code, message, List.of());
  }

  public ApiException(
      HttpStatus status, String code, String message, List<ApiError.FieldError> fieldErrors) {
    super(message);
    this.status = status;
    this.code = ErrorCode.valueOf(code).name();
    this.fieldErrors = fieldErrors;
  }

  public static ApiException notFound(String what) {
    return new ApiException(ErrorCode.NOT_FOUND, what + " not found");
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(
        ErrorCode.INVALID_REQUEST,
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
