package dev.mailroom.model.event;

import dev.mailroom.model.command.SyncMode;
import java.time.Instant;

/** One sync run finished; counts are for this run, {@code messagesTotal} for the whole mailbox. */
public record MailboxSyncCompleted(
    String tenantId,
    String mailboxId,
    String commandId,
    SyncMode mode,
    int foldersScanned,
    long messagesTotal,
    long messagesAdded,
    long messagesUpdated,
    long messagesDeleted,
    Instant startedAt,
    Instant completedAt)
    implements Event {
  @Override
  public <R> R match(Cases<R> cases) {
    return cases.mailboxSyncCompleted(this);
  }
}
