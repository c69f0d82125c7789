package dev.mailroom.gateway.error;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Failures that never reach the router's exception handlers (raised by a filter, or while the
 * answer is written) are answered in the gateway's error shape too, instead of Boot's default error
 * page. Ordered before Boot's handler (-1).
 */
@Component
@Order(-2)
class LastResortErrorHandler implements WebExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(LastResortErrorHandler.class);

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
    if (exchange.getResponse().isCommitted()) {
      return Mono.error(failure);
    }
    if (failure instanceof ResponseStatusException status) {
      var described = FrameworkErrors.describe(status, exchange);
      if (described.isPresent()) {
        return ErrorResponses.write(exchange, described.get(), status.getHeaders());
      }
    }
    log.error("Request failed outside the router", failure);
    return ErrorResponses.write(
        exchange, ApiError.of(ErrorCode.INTERNAL, "Internal error"), HttpHeaders.EMPTY);
  }
}
