package dev.mailroom.gateway.auth;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.runtime.config.LogContextKeys;
import dev.mailroom.store.token.ApiTokenRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /admin/**} takes the configured admin key; {@code /api/**} and {@code /v1/**} take an API
 * token; everything else (actuator, docs) is open. Failures answer 401 in the gateway's error shape
 * before any controller runs.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AuthenticationFilter implements WebFilter {
  private static final String BEARER = "Bearer ";

  private final ApiTokenRepository tokens;
  private final byte[] adminKey;
  private final JsonMapper json = JsonMapper.builder().build();

  public AuthenticationFilter(ApiTokenRepository tokens, GatewayProperties properties) {
    LogContextKeys.registerWithContextPropagation();
    this.tokens = tokens;
    this.adminKey = properties.adminKey().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String path = exchange.getRequest().getPath().pathWithinApplication().value();
    String presented = bearer(exchange);
    if (path.startsWith("/admin/") || path.equals("/admin")) {
      if (presented != null
          && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), adminKey)) {
        return chain.filter(exchange);
      }
      return unauthorized(exchange, "A valid admin key is required");
    }
    if (path.startsWith("/api/") || path.startsWith("/v1/")) {
      if (presented == null) {
        return unauthorized(exchange, "Missing bearer token");
      }
      return tokens
          .findActiveByToken(presented)
          .map(Optional::of)
          .defaultIfEmpty(Optional.empty())
          .flatMap(
              token -> {
                if (token.isEmpty()) {
                  return unauthorized(exchange, "Invalid or revoked token");
                }
                exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller(token.get()));
                // Every log line of the request names its tenant and request id (as the
                // correlation id its commands carry).
                return chain
                    .filter(exchange)
                    .contextWrite(
                        Context.of(
                            LogContextKeys.TENANT,
                            token.get().tenantId(),
                            LogContextKeys.CORRELATION,
                            exchange.getRequest().getId()));
              });
    }
    return chain.filter(exchange);
  }

  private static String bearer(ServerWebExchange exchange) {
    String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String value = header.substring(BEARER.length()).trim();
    return value.isEmpty() ? null : value;
  }

  private Mono<Void> unauthorized(ServerWebExchange exchange, String message) {
    var response = exchange.getResponse();
    response.setStatusCode(HttpStatus.UNAUTHORIZED);
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    byte[] body = json.writeValueAsBytes(new ApiError("UNAUTHORIZED", message, 401, List.of()));
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }
}
