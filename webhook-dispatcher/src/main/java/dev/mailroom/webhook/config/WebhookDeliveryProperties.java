package dev.mailroom.webhook.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The delivery policy. Its defaults, and why each is what it is, are in {@code
 * webhook-dispatcher.yaml}; nothing here repeats them.
 *
 * @param retrySchedule the delay before each attempt of a round, the first usually zero; a delivery
 *     fails once every entry has been tried
 * @param jitter each delay is moved by up to this fraction either way
 * @param timeout the whole attempt, connect to last response byte
 * @param connectTimeout the TCP and TLS connect alone
 * @param retryAfterMax the longest {@code Retry-After} honoured from a 429 or 503
 * @param disableAfter an endpoint failing continuously this long is disabled
 * @param maxInFlightPerEndpoint concurrent attempts to one endpoint
 * @param maxQueuedPerEndpoint attempts waiting for one endpoint in memory; beyond this they wait in
 *     MongoDB
 * @param maxConnections open connections across all endpoints
 * @param pollInterval how often due retries are looked for
 * @param claimBatch the most deliveries claimed per poll
 * @param leaseMargin how long past the timeout a claimed delivery stays reserved to its dispatcher
 */
@Validated
@ConfigurationProperties("mailroom.webhooks.delivery")
public record WebhookDeliveryProperties(
    @NotEmpty List<Duration> retrySchedule,
    @DecimalMin("0.0") @DecimalMax("1.0") double jitter,
    @NotNull Duration timeout,
    @NotNull Duration connectTimeout,
    @NotNull Duration retryAfterMax,
    @NotNull Duration disableAfter,
    @Min(1) int maxInFlightPerEndpoint,
    @Min(1) int maxQueuedPerEndpoint,
    @Min(1) int maxConnections,
    @NotNull Duration pollInterval,
    @Min(1) int claimBatch,
    @NotNull Duration leaseMargin) {

  /** How long a claim reserves a delivery: one attempt and the time to record it. */
  public Duration lease() {
    return timeout.plus(leaseMargin);
  }
}
