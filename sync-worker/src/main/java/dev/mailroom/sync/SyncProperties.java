package dev.mailroom.sync;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * @param concurrency listener threads; useful up to the partitions this replica is assigned
 * @param batchSize messages fetched, stored and committed together; bounds memory per mailbox
 * @param batchBytes the most raw bytes one batch fetches (at least one message whatever its size):
 *     with {@code batchSize}, what a mailbox's sync holds at once; messages over 1 MB are spooled
 *     to a temporary file rather than held, but their decoded attachments are in memory
 * @param pollInterval how often every active mailbox is synced without being asked; 0 disables
 * @param maxMessagesPerRun messages one command may fetch before it queues a continuation, so no
 *     listener call outlasts Kafka's poll interval or holds up the partition's other mailboxes
 * @param idle push notifications (IMAP IDLE) that trigger a sync as mail arrives
 * @param failureRetryInitial how soon a failed sync is tried again by the scheduler; doubled with
 *     each consecutive failure, so a broken mailbox costs little while a blip heals fast
 * @param failureRetryMax the longest wait between two tries of a failing mailbox's sync
 */
@Validated
@ConfigurationProperties("mailroom.sync")
public record SyncProperties(
    @DefaultValue("2") int concurrency,
    @DefaultValue("250") @Min(1) @Max(1000) int batchSize,
    @DefaultValue("32MB") DataSize batchBytes,
    @DefaultValue("60s") Duration pollInterval,
    @DefaultValue("2000") @Min(1) int maxMessagesPerRun,
    @DefaultValue @Valid Idle idle,
    @DefaultValue("30s") Duration failureRetryInitial,
    @DefaultValue("1h") Duration failureRetryMax) {

  /**
   * @param enabled whether mailboxes whose provider can push are watched
   * @param maxMailboxes watches one replica holds at most (each is an open connection)
   * @param reconcileInterval how often the set of watched mailboxes is brought in line with the
   *     partitions this replica owns and the mailboxes that exist
   * @param debounce changes arriving within this window cause one sync
   * @param retryMax the longest wait before a dropped watch is tried again (doubling from 5 s)
   */
  public record Idle(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("500") @Min(0) int maxMailboxes,
      @DefaultValue("30s") Duration reconcileInterval,
      @DefaultValue("500ms") Duration debounce,
      @DefaultValue("5m") Duration retryMax) {}
}
