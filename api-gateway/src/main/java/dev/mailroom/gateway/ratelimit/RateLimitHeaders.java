package dev.mailroom.gateway.ratelimit;

import dev.mailroom.store.ratelimit.RateLimitDecision;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.HttpHeaders;

/**
 * How a rate-limit decision is told to the caller, whoever made it (a declared policy or a rule of
 * the core): {@code X-RateLimit-*} on every answer it limits, and {@code Retry-After} on a refusal.
 */
public final class RateLimitHeaders {
  private RateLimitHeaders() {}

  /** {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} of {@code decision}. */
  public static void describe(HttpHeaders headers, RateLimitDecision decision) {
    headers.set("X-RateLimit-Limit", Integer.toString(decision.limit()));
    headers.set("X-RateLimit-Remaining", Integer.toString(decision.remaining()));
    headers.set("X-RateLimit-Reset", Long.toString(decision.resetAt().getEpochSecond()));
  }

  /** The headers of a refusal: the window's state and when to try again. */
  public static void refuse(HttpHeaders headers, RateLimitDecision decision, Instant now) {
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(decision, now)));
    describe(headers, decision);
  }

  /** Whole seconds until the window lets a request through again; at least one. */
  public static long retryAfterSeconds(RateLimitDecision decision, Instant now) {
    return Math.max(1, Duration.between(now, decision.resetAt()).toSeconds() + 1);
  }
}
