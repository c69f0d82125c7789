package dev.mailroom.model.event;

import java.time.Instant;

/** The provider refused the mailbox's credentials; a person must reconnect it. Emitted once. */
public record MailboxReauthRequired(
    String tenantId, String mailboxId, String reason, Instant detectedAt) implements Event {
  @Override
  public <R> R match(Cases<R> cases) {
    return cases.mailboxReauthRequired(this);
  }
}
