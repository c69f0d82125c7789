package dev.mailroom.gateway.mail;

import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.Participant;
import java.util.List;

/**
 * A validated message to send, as the core hands it to {@link MessageWrites}.
 *
 * @param original the message answered or forwarded, or null for a new one
 * @param attachments content already in S3 (for a forward: the original's)
 */
public record OutboundDraft(
    List<Participant> to,
    List<Participant> cc,
    List<Participant> bcc,
    String subject,
    String textBody,
    String htmlBody,
    Importance importance,
    List<String> labels,
    List<Attachment> attachments) {}
