package dev.mailroom.gateway.access;

import dev.mailroom.gateway.core.AttachmentPolicy;
import dev.mailroom.model.message.Participant;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * Request bodies of the Email Access API, as its contract writes them; {@code attachments} on send
 * and reply is Mailroom's extension of it.
 */
final class AccessRequests {
  private AccessRequests() {}

  /** A file sent with a send or a reply (Mailroom's extension of the Access API). */
  @Schema(
      description =
          "A file to attach, base64-encoded. Files of type .exe, .bat and .scr are refused, however"
              + " the name disguises them; all files of one message together may be 25 MB.")
  record AttachmentUpload(
      @Schema(
              description = "The file name the recipient sees; at most 255 characters.",
              example = "invoice-2026-11.pdf",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String filename,
      @Schema(
              description = "The file's MIME type; application/octet-stream when omitted.",
              example = "application/pdf")
          String contentType,
      @Schema(
              description = "The file's content, base64 (RFC 4648, line breaks allowed).",
              example = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKJSVFT0YK",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String contentBase64) {

    AttachmentPolicy.Upload upload() {
      return new AttachmentPolicy.Upload(filename, contentType, contentBase64);
    }

    static List<AttachmentPolicy.Upload> uploads(List<AttachmentUpload> attachments) {
      return attachments == null
          ? List.of()
          : attachments.stream()
              .map(a -> a == null ? new AttachmentPolicy.Upload(null, null, null) : a.upload())
              .toList();
    }
  }

  record Send(
      List<Participant> to,
      List<Participant> cc,
      List<Participant> bcc,
      String subject,
      String body,
      String bodyType,
      String importance,
      String sendFrom,
      Long connectionId,
      @Schema(
              description =
                  "Files to attach (Mailroom's extension of the Access API): blocked types and"
                      + " more than 25 MB in total are refused with 400.")
          List<AttachmentUpload> attachments) {}

  record Reply(
      String body,
      String bodyType,
      Boolean replyAll,
      @Schema(
              description =
                  "Files to attach (Mailroom's extension of the Access API): blocked types and"
                      + " more than 25 MB in total are refused with 400.")
          List<AttachmentUpload> attachments) {}

  record Forward(List<Participant> to, List<Participant> cc, String body, String bodyType) {}

  record Modify(Boolean markAsRead, List<String> addLabels, List<String> removeLabels) {}

  /** Seed 001's answer to send, reply and forward. */
  record SendResult(boolean success, String emailId, String threadId, String errorMessage) {}
}
