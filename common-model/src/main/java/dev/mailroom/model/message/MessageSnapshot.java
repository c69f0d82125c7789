package dev.mailroom.model.message;

import java.time.Instant;
import java.util.List;

/**
 * A message as events describe it: the metadata of the seed 004 message object. Bodies stay in S3
 * (events must stay small); {@code snippet} gives a preview.
 */
public record MessageSnapshot(
    String id,
    String tenantId,
    String mailboxId,
    String threadId,
    String rfcMessageId,
    String providerMessageId,
    Participant from,
    List<Participant> to,
    List<Participant> cc,
    List<Participant> bcc,
    String subject,
    String snippet,
    List<String> labels,
    List<Attachment> attachments,
    Direction direction,
    MessageStatus status,
    Instant createdAt,
    Instant updatedAt) {}
