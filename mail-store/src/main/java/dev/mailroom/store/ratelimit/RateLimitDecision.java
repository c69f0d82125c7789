package dev.mailroom.store.ratelimit;

import java.time.Instant;

/**
 * @param remaining requests still allowed in the window after this one
 * @param resetAt when the oldest request in the window leaves it (a slot frees up)
 */
public record RateLimitDecision(boolean allowed, int limit, int remaining, Instant resetAt) {}
