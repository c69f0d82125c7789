package dev.mailroom.gateway.core;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.store.ratelimit.RateLimitDecision;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seed 002's limits, per token, on {@code /api/access/email}: 60 a minute and 300 an hour by
 * default. State lives in MongoDB, so every gateway replica enforces the same windows. Every answer
 * carries {@code X-RateLimit-*} for the minute window; a refusal is a 429 with {@code Retry-After}.
 * Runs inside the security chain, after authorization (see {@code GatewaySecurity}).
 */
public class AccessRateLimitFilter implements WebFilter {
  /** Matched as the router matches, so no spelling of a path escapes the count. */
  private static final ServerWebExchangeMatcher ACCESS_API =
      ServerWebExchangeMatchers.pathMatchers("/api/access/email", "/api/access/email/**");

  private final SlidingWindowRateLimiter limiter;
  private final GatewayProperties.RateLimits limits;
  private final JsonMapper json;
  private final Clock clock = Clock.systemUTC();

  public AccessRateLimitFilter(
      SlidingWindowRateLimiter limiter, GatewayProperties properties, JsonMapper json) {
    this.limiter = limiter;
    this.limits = properties.rateLimits();
    this.json = json;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
    if (caller == null || (limits.accessPerMinute() <= 0 && limits.accessPerHour() <= 0)) {
      return chain.filter(exchange);
    }
    return ACCESS_API
        .matches(exchange)
        .flatMap(
            match -> match.isMatch() ? limited(exchange, chain, caller) : chain.filter(exchange));
  }

  private Mono<Void> limited(ServerWebExchange exchange, WebFilterChain chain, Caller caller) {
    Instant now = clock.instant();
    String token = caller.token().id();
    return limiter
        .tryAcquire(token + ":1m", limits.accessPerMinute(), Duration.ofMinutes(1), now)
        .flatMap(
            minute ->
                !minute.allowed()
                    ? Mono.just(List.of(minute, minute))
                    : limiter
                        .tryAcquire(token + ":1h", limits.accessPerHour(), Duration.ofHours(1), now)
                        .map(hour -> List.of(minute, hour)))
        .flatMap(
            decisions -> {
              RateLimitDecision minute = decisions.get(0);
              RateLimitDecision hour = decisions.get(1);
              RateLimitDecision binding =
                  !minute.allowed() ? minute : hour.allowed() ? minute : hour;
              HttpHeaders headers = exchange.getResponse().getHeaders();
              headers.set("X-RateLimit-Limit", Integer.toString(binding.limit()));
              headers.set("X-RateLimit-Remaining", Integer.toString(binding.remaining()));
              headers.set("X-RateLimit-Reset", Long.toString(binding.resetAt().getEpochSecond()));
              if (minute.allowed() && hour.allowed()) {
                return chain.filter(exchange);
              }
              return tooMany(exchange, binding, now);
            });
  }

  private Mono<Void> tooMany(ServerWebExchange exchange, RateLimitDecision decision, Instant now) {
    long retryAfter = Math.max(1, Duration.between(now, decision.resetAt()).toSeconds() + 1);
    var response = exchange.getResponse();
    response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
    response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    byte[] body =
        json.writeValueAsBytes(
            new ApiError(
                "RATE_LIMITED",
                "Rate limit of "
                    + decision.limit()
                    + " requests exceeded; retry after "
                    + retryAfter
                    + " s",
                429,
                List.of()));
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }
}
