package dev.mailroom.model.event;

import dev.mailroom.model.envelope.Event;
import java.time.Instant;

/** {@code soft} is true when the message moved to Trash and can be recovered. */
public record MessageDeleted(
    String tenantId, String mailboxId, String messageId, boolean soft, Instant deletedAt)
    implements Event {}
