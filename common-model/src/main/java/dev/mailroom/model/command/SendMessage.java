package dev.mailroom.model.command;

import dev.mailroom.model.envelope.Command;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.Participant;
import java.time.Instant;
import java.util.List;

/**
 * Send a message that the gateway has already recorded as {@code queued} under {@code messageId}.
 * For replies and forwards {@code originalMessageId} names the message being answered; attachment
 * content is already in S3 under each attachment's {@code blobKey}.
 */
public record SendMessage(
    String commandId,
    String tenantId,
    String mailboxId,
    String messageId,
    SendKind kind,
    String originalMessageId,
    List<Participant> to,
    List<Participant> cc,
    List<Participant> bcc,
    String subject,
    String textBody,
    String htmlBody,
    Importance importance,
    List<String> labels,
    List<Attachment> attachments,
    Instant requestedAt)
    implements Command {}
