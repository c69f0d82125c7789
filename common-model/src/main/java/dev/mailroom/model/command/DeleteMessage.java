package dev.mailroom.model.command;

import dev.mailroom.model.envelope.Command;
import java.time.Instant;

/** Soft delete: move to Trash / Deleted Items at the provider. */
public record DeleteMessage(
    String commandId, String tenantId, String mailboxId, String messageId, Instant requestedAt)
    implements Command {}
