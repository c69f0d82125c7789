package dev.mailroom.gateway.auth;

import dev.mailroom.gateway.error.ErrorCode;
import dev.mailroom.gateway.error.ErrorResponses;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Writes the gateway's error shape from the security chain, which answers before any controller
 * (and so before the controller advice) runs, in the same shape the route families use.
 */
final class ApiErrorWriter {
  private ApiErrorWriter() {}

  static Mono<Void> write(ServerWebExchange exchange, ErrorCode code, String message) {
    return ErrorResponses.write(exchange, code, message);
  }
}
