package dev.mailroom.gateway.error;

import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an {@link ApiError} from code that answers before any controller runs (the security chain,
 * the body limits, the last-resort exception handler), where the controller advice cannot.
 */
public final class ErrorResponses {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ErrorResponses() {}

  public static Mono<Void> write(ServerWebExchange exchange, ErrorCode code, String message) {
    return write(exchange, new ApiError(code, message, List.of()), HttpHeaders.EMPTY);
  }

  public static Mono<Void> write(ServerWebExchange exchange, ApiError error, HttpHeaders headers) {
    var response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    response.setStatusCode(HttpStatus.valueOf(error.status()));
    response.getHeaders().addAll(headers);
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    if (error.status() == HttpStatus.UNAUTHORIZED.value()) {
      response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    byte[] body = JSON.writeValueAsBytes(error);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }
}
