package dev.mailroom.store.mime;

import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.Participant;
import java.time.Instant;
import java.util.List;

/** What Mailroom keeps of a MIME message; the raw bytes stay available beside it. */
public record ParsedMessage(
    String messageId,
    String inReplyTo,
    List<String> references,
    String subject,
    Participant from,
    List<Participant> to,
    List<Participant> cc,
    List<Participant> bcc,
    List<Participant> replyTo,
    Instant sentAt,
    String text,
    String html,
    Importance importance,
    List<ParsedAttachment> attachments) {

  /** {@code contentId} without angle brackets; {@code inline} when disposition says so. */
  public record ParsedAttachment(
      String filename, String contentType, boolean inline, String contentId, byte[] content) {}
}
