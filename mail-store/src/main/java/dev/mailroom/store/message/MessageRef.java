package dev.mailroom.store.message;

import java.time.Instant;
import java.util.List;

/** The part of a stored message that sync compares with the provider: small, so folders fit. */
public record MessageRef(
    String id,
    String tenantId,
    String mailboxId,
    String providerMessageId,
    String rfcMessageId,
    boolean read,
    List<String> labels,
    Instant deletedAt) {}
