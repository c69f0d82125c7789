package dev.mailroom.gateway.auth;

import dev.mailroom.gateway.error.ApiError;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@link ApiError} from the security chain, which answers before any controller (and so
 * before the controller advice) runs, in the same shape the route families use.
 */
final class ApiErrorWriter {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ApiErrorWriter() {}

  static Mono<Void> write(
      ServerWebExchange exchange, HttpStatus status, String code, String message) {
    var response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    if (status == HttpStatus.UNAUTHORIZED) {
      response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    byte[] body = JSON.writeValueAsBytes(new ApiError(code, message, status.value(), List.of()));
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }
}
