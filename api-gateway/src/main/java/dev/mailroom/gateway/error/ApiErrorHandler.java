package dev.mailroom.gateway.error;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidTypeIdException;

/**
 * Every failure of a request that reached the router, in {@link ApiError}: the gateway's own
 * exceptions, validation, unreadable bodies and what the framework itself refuses. A client's
 * mistake is answered with its 4xx and logged at debug, without a stack trace; only the gateway's
 * own failures are 500s with an ERROR and their trace.
 */
@RestControllerAdvice
public class ApiErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

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
    return answer(new ApiError(ErrorCode.INVALID_REQUEST, "Invalid request", fields));
  }

  @ExceptionHandler(ServerWebInputException.class)
  ResponseEntity<ApiError> input(ServerWebInputException e) {
    InvalidTypeIdException unknownKind = causeOf(e, InvalidTypeIdException.class);
    if (unknownKind != null) {
      return answer(
          new ApiError(
              ErrorCode.INVALID_REQUEST, "Invalid request", List.of(kindError(unknownKind))));
    }
    JacksonException json = causeOf(e, JacksonException.class);
    if (json != null) {
      log.debug("Unreadable body: {}", json.getOriginalMessage());
      return answer(JsonProblems.describe(json));
    }
    log.debug("Client error 400: {}", e.getReason());
    return answer(
        ApiError.of(
            ErrorCode.INVALID_REQUEST, e.getReason() == null ? "Bad request" : e.getReason()));
  }

  /**
   * A body whose shape is chosen by one of its properties (the admin API's {@code provider}) named
   * no known shape: said on that property, with the values it takes, rather than as an unreadable
   * body.
   */
  private static ApiError.FieldError kindError(InvalidTypeIdException e) {
    Class<?> base = e.getBaseType().getRawClass();
    JsonTypeInfo typeInfo = base.getAnnotation(JsonTypeInfo.class);
    JsonSubTypes subTypes = base.getAnnotation(JsonSubTypes.class);
    String property = typeInfo == null ? "type" : typeInfo.property();
    String field =
        Stream.concat(
                e.getPath().stream().map(JacksonException.Reference::getPropertyName),
                Stream.of(property))
            .filter(Objects::nonNull)
            .collect(Collectors.joining("."));
    String known =
        subTypes == null
            ? ""
            : Arrays.stream(subTypes.value())
                .map(JsonSubTypes.Type::name)
                .collect(Collectors.joining(", ", "; one of ", ""));
    String problem = e.getTypeId() == null ? "is required" : "unknown " + e.getTypeId();
    return new ApiError.FieldError(field, problem + known);
  }

  static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  /** A body larger than the codec buffers: the body limits usually answer before this. */
  @ExceptionHandler(DataBufferLimitException.class)
  ResponseEntity<ApiError> tooLarge(DataBufferLimitException e) {
    log.debug("Client error 413: {}", e.getMessage());
    return answer(ApiError.of(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large"));
  }

  /**
   * What the framework itself refuses: no route (404), a wrong method (405, with {@code Allow}), an
   * unsupported body type (415), a body over the limit (413).
   */
  @ExceptionHandler(ResponseStatusException.class)
  ResponseEntity<ApiError> status(ResponseStatusException e, ServerWebExchange exchange) {
    return FrameworkErrors.describe(e, exchange)
        .map(error -> ResponseEntity.status(error.status()).headers(e.getHeaders()).body(error))
        .orElseGet(
            () -> {
              log.error("Request failed with {}", e.getStatusCode().value(), e);
              return internal(e.getStatusCode());
            });
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ApiError> unexpected(Exception e) {
    log.error("Unhandled error", e);
    return internal(ErrorCode.INTERNAL.status());
  }

  private static ResponseEntity<ApiError> internal(HttpStatusCode status) {
    return ResponseEntity.status(status)
        .body(new ApiError(ErrorCode.INTERNAL.name(), "Internal error", status.value(), List.of()));
  }

  private static ResponseEntity<ApiError> answer(ApiError error) {
    return ResponseEntity.status(error.status()).body(error);
  }
}
