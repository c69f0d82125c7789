package dev.mailroom.gateway.error;

import dev.mailroom.store.ratelimit.RateLimitDecision;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** A 429 that carries the window it hit, so the answer can say when to come back. */
public class RateLimitedException extends ApiException {
  private final RateLimitDecision decision;

  public RateLimitedException(String message, RateLimitDecision decision) {
    super(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", message);
    this.decision = decision;
  }

  /** {@code Retry-After} and {@code X-RateLimit-*} for this refusal. */
  public HttpHeaders headers(Instant now) {
    HttpHeaders headers = new HttpHeaders();
    long retryAfter = Math.max(1, Duration.between(now, decision.resetAt()).toSeconds() + 1);
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
    headers.set("X-RateLimit-Limit", Integer.toString(decision.limit()));
    headers.set("X-RateLimit-Remaining", Integer.toString(decision.remaining()));
    headers.set("X-RateLimit-Reset", Long.toString(decision.resetAt().getEpochSecond()));
    return headers;
  }
}
