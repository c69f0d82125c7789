package dev.mailroom.model.command;

import dev.mailroom.model.envelope.Command;
import java.time.Instant;

/**
 * Sync one mailbox. A sync does a bounded amount of work per command and queues a continuation for
 * the rest; {@code continues} then names the command the whole sync started with (null on that
 * first command), and the completion event reports that id.
 */
public record SyncMailbox(
    String commandId,
    String tenantId,
    String mailboxId,
    SyncMode mode,
    SyncTrigger trigger,
    Instant requestedAt,
    String continues)
    implements Command {

  public SyncMailbox(
      String commandId,
      String tenantId,
      String mailboxId,
      SyncMode mode,
      SyncTrigger trigger,
      Instant requestedAt) {
    this(commandId, tenantId, mailboxId, mode, trigger, requestedAt, null);
  }

  /** The command the sync this belongs to started with. */
  public String originalCommandId() {
    return continues != null ? continues : commandId;
  }
}
