package dev.mailroom.gateway.auth;

import dev.mailroom.store.token.ApiToken;
import org.springframework.web.server.ServerWebExchange;

/** The authenticated token of a request, put on the exchange by {@link GatewaySecurity}. */
public record Caller(ApiToken token) {
  public static final String ATTRIBUTE = Caller.class.getName();

  public String tenantId() {
    return token.tenantId();
  }

  public static Caller of(ServerWebExchange exchange) {
    Caller caller = exchange.getAttribute(ATTRIBUTE);
    if (caller == null) {
      throw new IllegalStateException(
          "No authenticated caller on " + exchange.getRequest().getPath());
    }
    return caller;
  }
}
