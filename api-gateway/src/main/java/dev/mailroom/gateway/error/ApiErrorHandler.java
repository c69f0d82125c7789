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
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidTypeIdException;

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
    return ResponseEntity.badRequest()
        .body(new ApiError("INVALID_REQUEST", "Invalid request", 400, fields));
  }

  @ExceptionHandler(ServerWebInputException.class)
  ResponseEntity<ApiError> input(ServerWebInputException e) {
    InvalidTypeIdException unknownKind = causeOf(e, InvalidTypeIdException.class);
    if (unknownKind != null) {
      return ResponseEntity.badRequest()
          .body(
              new ApiError(
                  "INVALID_REQUEST", "Invalid request", 400, List.of(kindError(unknownKind))));
    }
    return ResponseEntity.badRequest()
        .body(new ApiError("INVALID_REQUEST", e.getReason(), 400, List.of()));
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

  private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  /**
   * What the framework itself refuses: no route (404), a wrong method (405), an unreadable or
   * unsupported body (400, 415). A client error is logged in one line without a stack trace; a
   * framework 5xx keeps its trace.
   */
  @ExceptionHandler(ResponseStatusException.class)
  ResponseEntity<ApiError> status(ResponseStatusException e) {
    HttpStatusCode status = e.getStatusCode();
    if (status.is5xxServerError()) {
      log.error("Request failed with {}", status.value(), e);
      return ResponseEntity.status(status)
          .body(new ApiError("INTERNAL", "Internal error", status.value(), List.of()));
    }
    log.debug("Client error {}: {}", status.value(), e.getReason());
    String code =
        switch (status.value()) {
          case 404 -> "NOT_FOUND";
          case 405 -> "METHOD_NOT_ALLOWED";
          case 406 -> "NOT_ACCEPTABLE";
          case 413 -> "PAYLOAD_TOO_LARGE";
          case 415 -> "UNSUPPORTED_MEDIA_TYPE";
          default -> "INVALID_REQUEST";
        };
    String message = status.value() == 404 ? "No such route" : e.getReason();
    return ResponseEntity.status(status)
        .headers(e.getHeaders())
        .body(new ApiError(code, message == null ? code : message, status.value(), List.of()));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ApiError> unexpected(Exception e) {
    log.error("Unhandled error", e);
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
        .body(new ApiError("INTERNAL", "Internal error", 500, List.of()));
  }
}
