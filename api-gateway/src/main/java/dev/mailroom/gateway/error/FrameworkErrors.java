package dev.mailroom.gateway.error;

import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * The words for what the framework refuses on its own (no route, wrong method, unsupported body
 * type, too large): the same answer whether it is raised inside the router or in a filter before
 * it.
 */
final class FrameworkErrors {
  private static final Logger log = LoggerFactory.getLogger(FrameworkErrors.class);

  private FrameworkErrors() {}

  /** The client's error, or empty for a 5xx (the caller logs that with its trace). */
  static Optional<ApiError> describe(ResponseStatusException e, ServerWebExchange exchange) {
    int status = e.getStatusCode().value();
    if (e.getStatusCode().is5xxServerError()) {
      return Optional.empty();
    }
    String request =
        exchange.getRequest().getMethod().name() + " " + exchange.getRequest().getPath().value();
    log.debug("Client error {} on {}: {}", status, request, e.getReason());
    ApiError error =
        switch (status) {
          case 404 ->
              ApiError.of(
                  ErrorCode.ROUTE_NOT_FOUND,
                  "No route for " + exchange.getRequest().getPath().value());
          case 405 -> ApiError.of(ErrorCode.METHOD_NOT_ALLOWED, methodNotAllowed(e, exchange));
          case 406 ->
              ApiError.of(ErrorCode.NOT_ACCEPTABLE, "This route answers application/json only");
          case 413 ->
              ApiError.of(
                  ErrorCode.PAYLOAD_TOO_LARGE,
                  e.getReason() == null ? "The request body is too large" : e.getReason());
          case 415 -> ApiError.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, unsupported(e, exchange));
          default ->
              ApiError.of(
                  ErrorCode.INVALID_REQUEST, e.getReason() == null ? "Bad request" : e.getReason());
        };
    return Optional.of(error);
  }

  private static String methodNotAllowed(ResponseStatusException e, ServerWebExchange exchange) {
    String path = exchange.getRequest().getPath().value();
    if (e instanceof MethodNotAllowedException notAllowed) {
      String allowed =
          notAllowed.getSupportedMethods().stream()
              .map(Object::toString)
              .sorted()
              .collect(Collectors.joining(", "));
      return path + " does not take " + notAllowed.getHttpMethod() + "; it takes " + allowed;
    }
    return path + " does not take " + exchange.getRequest().getMethod();
  }

  private static String unsupported(ResponseStatusException e, ServerWebExchange exchange) {
    MediaType sent = exchange.getRequest().getHeaders().getContentType();
    String takes = "application/json";
    if (e instanceof UnsupportedMediaTypeStatusException unsupported
        && !unsupported.getSupportedMediaTypes().isEmpty()) {
      takes =
          unsupported.getSupportedMediaTypes().stream()
              .filter(type -> !type.isWildcardType())
              .map(MediaType::toString)
              .filter(type -> type.contains("json"))
              .findFirst()
              .orElse(takes);
    }
    return "The body must be sent as Content-Type: "
        + takes
        + (sent == null ? " (the request named none)" : " (the request sent " + sent + ")");
  }
}
