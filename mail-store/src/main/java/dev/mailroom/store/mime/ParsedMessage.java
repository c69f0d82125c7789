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

  /**
   * One attachment, in document order. Those of a forwarded {@code message/rfc822} part follow it,
   * with {@code parentId} naming it and ids below it ({@code att_3_1} is the first of {@code
   * att_3}). {@code contentId} is without angle brackets; {@code inline} when the disposition says
   * so or a Content-ID without disposition implies it.
   */
  public record ParsedAttachment(
      String id,
      String parentId,
      String filename,
      String contentType,
      boolean inline,
      String contentId,
      byte[] content) {}
}
