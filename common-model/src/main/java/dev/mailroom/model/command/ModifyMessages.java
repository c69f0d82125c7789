package dev.mailroom.model.command;

import dev.mailroom.model.envelope.Command;
import java.time.Instant;
import java.util.List;

/** Change read state and labels; a null {@code markAsRead} leaves read state alone. */
public record ModifyMessages(
    String commandId,
    String tenantId,
    String mailboxId,
    List<String> messageIds,
    Boolean markAsRead,
    List<String> addLabels,
    List<String> removeLabels,
    Instant requestedAt)
    implements Command {}
