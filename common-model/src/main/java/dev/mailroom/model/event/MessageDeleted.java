package dev.mailroom.model.event;

import java.time.Instant;

/** {@code soft} is true when the message moved to Trash and can be recovered. */
public record MessageDeleted(
    String tenantId, String mailboxId, String messageId, boolean soft, Instant deletedAt)
    implements Event, NamesMessage {
  @Override
  public <R> R match(Cases<R> cases) {
    return cases.messageDeleted(this);
  }
}
