package dev.mailroom.model.command;

import dev.mailroom.model.envelope.Command;
import java.time.Instant;

public record SyncMailbox(
    String commandId,
    String tenantId,
    String mailboxId,
    SyncMode mode,
    SyncTrigger trigger,
    Instant requestedAt)
    implements Command {}
