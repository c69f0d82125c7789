package dev.mailroom.gateway.auth;

import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The bearer value of a request, before an authentication manager has judged it. */
final class BearerCredentials extends AbstractAuthenticationToken {
  private static final String BEARER = "Bearer ";
  private final String value;

  private BearerCredentials(String value) {
    super(List.of());
    this.value = value;
    setAuthenticated(false);
  }

  /** Empty when the request carries no bearer token, so the entry point answers 401. */
  static Mono<BearerCredentials> from(ServerWebExchange exchange) {
    String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Mono.empty();
    }
    String value = header.substring(BEARER.length()).trim();
    return value.isEmpty() ? Mono.empty() : Mono.just(new BearerCredentials(value));
  }

  String value() {
    return value;
  }

  @Override
  public Object getCredentials() {
    return value;
  }

  @Override
  public Object getPrincipal() {
    return null;
  }
}
