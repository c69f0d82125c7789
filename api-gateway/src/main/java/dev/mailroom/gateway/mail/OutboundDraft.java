package dev.mailroom.gateway.mail;

import dev.mailroom.gateway.core.AttachmentPolicy;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.Participant;
import java.util.List;

/**
 * A validated message to send, as the core hands it to {@link MessageWrites}.
 *
 * @param attachments content already in S3 (for a forward: the original's)
 * @param uploads files the client sent with the request, checked and decoded; stored in S3 with the
 *     message and sent after {@code attachments}
 * @param inReplyTo the Message-ID (without angle brackets) of a message this one answers that the
 *     store does not hold, so that the recipient's client threads it; null otherwise (an answer to
 *     a stored message takes its headers from that message)
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
    List<Attachment> attachments,
    List<AttachmentPolicy.Accepted> uploads,
    String inReplyTo) {

  public OutboundDraft {
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
    uploads = uploads == null ? List.of() : List.copyOf(uploads);
  }

  /** A draft without uploaded files. */
  public OutboundDraft(
      List<Participant> to,
      List<Participant> cc,
      List<Participant> bcc,
      String subject,
      String textBody,
      String htmlBody,
      Importance importance,
      List<String> labels,
      List<Attachment> attachments) {
    this(
        to, cc, bcc, subject, textBody, htmlBody, importance, labels, attachments, List.of(), null);
  }

  public OutboundDraft withUploads(List<AttachmentPolicy.Accepted> files) {
    return new OutboundDraft(
        to,
        cc,
        bcc,
        subject,
        textBody,
        htmlBody,
        importance,
        labels,
        attachments,
        files,
        inReplyTo);
  }

  public OutboundDraft withLabels(List<String> newLabels) {
    return new OutboundDraft(
        to,
        cc,
        bcc,
        subject,
        textBody,
        htmlBody,
        importance,
        newLabels,
        attachments,
        uploads,
        inReplyTo);
  }

  public OutboundDraft inReplyTo(String messageId) {
    return new OutboundDraft(
        to,
        cc,
        bcc,
        subject,
        textBody,
        htmlBody,
        importance,
        labels,
        attachments,
        uploads,
        messageId);
  }
}
