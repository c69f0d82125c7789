package dev.mailroom.gateway.error;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebInputException;

@RestControllerAdvice
public class ApiErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

  @ExceptionHandler(RateLimitedException.class)
  ResponseEntity<ApiError> rateLimited(RateLimitedException e) {
    return ResponseEntity.status(e.status())
        .headers(e.headers(java.time.Instant.now()))
        .body(e.toError());
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ApiError> api(ApiException e) {
    return ResponseEntity.status(e.status()).body(e.toError());
  }

  @ExceptionHandler(WebExchangeBindException.class)
  ResponseEntity<ApiError> validation(WebExchangeBindException e) {
    List<ApiError.FieldError> fields =
        e.getFieldErrors().stream()
            .map(f -> new ApiError.FieldError(f.getField(), f.getDefaultMessage()))
            .toList();
    return ResponseEntity.badRequest()
        .body(new ApiError("INVALID_REQUEST", "Invalid request", 400, fields));
  }

  @ExceptionHandler(ServerWebInputException.class)
  ResponseEntity<ApiError> input(ServerWebInputException e) {
    return ResponseEntity.badRequest()
        .body(new ApiError("INVALID_REQUEST", e.getReason(), 400, List.of()));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ApiError> unexpected(Exception e) {
    log.error("Unhandled error", e);
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
        .body(new ApiError("INTERNAL", "Internal error", 500, List.of()));
  }
}
