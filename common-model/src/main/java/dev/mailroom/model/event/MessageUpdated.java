package dev.mailroom.model.event;

import dev.mailroom.model.envelope.Event;
import java.time.Instant;
import java.util.List;

public record MessageUpdated(
    String tenantId,
    String mailboxId,
    String messageId,
    boolean read,
    List<String> labels,
    Instant changedAt)
    implements Event {}
