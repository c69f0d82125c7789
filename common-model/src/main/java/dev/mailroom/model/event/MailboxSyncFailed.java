package dev.mailroom.model.event;

import java.time.Instant;

/**
 * A mailbox's sync has started failing. Emitted once per streak of consecutive failures (the first
 * one), so a subscriber hears of a broken mailbox without hearing of every retry; the next
 * successful sync ends the streak and {@link MailboxSyncCompleted} follows.
 *
 * @param reason what went wrong, safe to show to the tenant (no internal addresses or traces)
 * @param nextRetryAt when the sync will be tried again without being asked
 */
public record MailboxSyncFailed(
    String tenantId, String mailboxId, String reason, Instant failedAt, Instant nextRetryAt)
    implements Event {
  @Override
  public <R> R match(Cases<R> cases) {
    return cases.mailboxSyncFailed(this);
  }
}
