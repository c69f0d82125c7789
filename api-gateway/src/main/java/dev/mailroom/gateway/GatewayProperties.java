package dev.mailroom.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param adminKey secret for the {@code /admin} API; at least 24 characters
 * @param outboxRelayDelay how long a command may stay unacknowledged before the relay republishes
 *     it
 * @param publishTimeout how long a request waits for Kafka before leaving its command to the relay
 * @param sendWait how long a send waits for the worker's outcome before answering with the queued
 *     message; 0 answers at once
 * @param mailServerAllowedHosts IMAP/SMTP hosts (names or addresses) that may be internal; any
 *     other host given through the admin API must resolve to public addresses only
 * @param mailLoginTimeout how long the admin API waits for a mailbox's IMAP and SMTP servers when
 *     it checks the credentials of a new mailbox or a changed password
 */
@Validated
@ConfigurationProperties("mailroom.gateway")
public record GatewayProperties(
    @NotBlank @Size(min = 24) String adminKey,
    @DefaultValue("5s") Duration outboxRelayDelay,
    @DefaultValue("2s") Duration publishTimeout,
    @DefaultValue("2s") Duration sendWait,
    @DefaultValue @Valid RateLimits rateLimits,
    @DefaultValue List<String> mailServerAllowedHosts,
    @DefaultValue("10s") Duration mailLoginTimeout) {

  /**
   * Each limit is exact over a sliding window and stores up to that many timestamps per window; 0
   * turns a limit off (benchmarks), which is not the same as a very large limit.
   *
   * @param accessPerMinute per token, Email Access API (seed 002)
   * @param accessPerHour per token, Email Access API (seed 002)
   * @param sendsPerMailboxPerHour per mailbox, every route family (seed 003)
   * @param inboxSendsPerOrganizationPerHour per organization (tenant), sends and replies of the
   *     {@code /inboxes} family (seed 004)
   * @param v1PerMinute per token, {@code /v1} routes (mailboxes, sync requests, webhooks): enough
   *     for a client polling a sync's progress several times a second, not for one token to flood
   *     the command partitions other tenants share
   * @param v1PerHour per token, {@code /v1} routes
   * @param tenantWritesPerMinute per tenant, every write of both API families through all of its
   *     tokens: the most commands one tenant can put ahead of another's in a minute. Keep it well
   *     below what the workers drain in a minute (a send worker replica: several thousand)
   */
  public record RateLimits(
      @DefaultValue("60") @Min(0) int accessPerMinute,
      @DefaultValue("300") @Min(0) int accessPerHour,
      @DefaultValue("600") @Min(0) int sendsPerMailboxPerHour,
      @DefaultValue("100") @Min(0) int inboxSendsPerOrganizationPerHour,
      @DefaultValue("600") @Min(0) int v1PerMinute,
      @DefaultValue("20000") @Min(0) int v1PerHour,
      @DefaultValue("1200") @Min(0) int tenantWritesPerMinute) {}
}
