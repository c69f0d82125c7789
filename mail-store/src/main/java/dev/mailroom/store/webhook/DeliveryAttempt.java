package dev.mailroom.store.webhook;

import java.time.Instant;

/**
 * One HTTP attempt. {@code statusCode} is null when no response came (refused target, connect
 * error, timeout); {@code error} then says which.
 */
public record DeliveryAttempt(
    Instant attemptedAt, Integer statusCode, long latencyMillis, String error, boolean succeeded) {}
