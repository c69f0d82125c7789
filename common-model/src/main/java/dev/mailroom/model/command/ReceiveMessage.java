package dev.mailroom.model.command;

import dev.mailroom.model.envelope.Command;
import java.time.Instant;

/**
 * Store a message that arrived for a hosted mailbox: its raw MIME is already in S3 under {@code
 * rawKey}, written before the sender was told it was accepted. Storing it twice (a redelivery)
 * stores it once, since the record's id comes from the mailbox and {@code commandId}.
 *
 * @param envelopeSender the SMTP {@code MAIL FROM} (empty for a bounce), as the receiver got it
 * @param envelopeRecipient the SMTP {@code RCPT TO} that named this mailbox
 */
public record ReceiveMessage(
    String commandId,
    String tenantId,
    String mailboxId,
    String rawKey,
    String envelopeSender,
    String envelopeRecipient,
    Instant receivedAt)
    implements Command {}
