package dev.mailroom.gateway.mailboxmessages;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mailroom.gateway.core.AttachmentPolicy;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Seed 003's request bodies. */
final class MailboxMessageRequests {
  private MailboxMessageRequests() {}

  @Schema(name = "MailboxRecipients", description = "Who the message goes to")
  record Recipients(
      @ArraySchema(
              arraySchema =
                  @Schema(
                      description = "Primary recipients (at least one)",
                      requiredMode = Schema.RequiredMode.REQUIRED),
              schema = @Schema(example = "customer@example.org"))
          List<String> to,
      @ArraySchema(
              arraySchema = @Schema(description = "CC recipients"),
              schema = @Schema(example = "manager@example.org"))
          List<String> cc,
      @ArraySchema(
              arraySchema =
                  @Schema(description = "BCC recipients (excluded from headers, delivered too)"),
              schema = @Schema(example = "archive@example.org"))
          List<String> bcc) {}

  @Schema(name = "MailboxAttachmentUpload", description = "A file sent with the message")
  record AttachmentUpload(
      @Schema(
              description = "File name (max 255 chars); .exe, .bat and .scr are refused",
              example = "invoice-2026-11.pdf",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String filename,
      @Schema(
              description = "MIME type (e.g. application/pdf); application/octet-stream if omitted",
              example = "application/pdf")
          @JsonProperty("content_type")
          String contentType,
      @Schema(
              description = "Base64-encoded file content",
              example = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKJSVFT0YK",
              requiredMode = Schema.RequiredMode.REQUIRED)
          @JsonProperty("content_base64")
          String contentBase64) {

    static List<AttachmentPolicy.Upload> uploads(List<AttachmentUpload> attachments) {
      return AttachmentPolicy.uploads(
          attachments,
          a -> new AttachmentPolicy.Upload(a.filename, a.contentType, a.contentBase64));
    }
  }

  @Schema(
      name = "MailboxSendRequest",
      description = "A message to compose and send from the mailbox",
      example =
          "{\"recipients\":{\"to\":[\"customer@example.org\"]},"
              + "\"subject\":\"Your order #1042\","
              + "\"body_text\":\"Thanks for your order! It ships tomorrow.\","
              + "\"body_html\":\"<p>Thanks for your order! It ships tomorrow.</p>\"}")
  record Send(
      @Schema(description = "Who the message goes to", requiredMode = Schema.RequiredMode.REQUIRED)
          Recipients recipients,
      @Schema(
              description = "Email subject line (max 998 chars)",
              example = "Your order #1042",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String subject,
      @Schema(description = "Plain-text body", example = "Thanks for your order!")
          @JsonProperty("body_text")
          String bodyText,
      @Schema(description = "HTML body", example = "<p>Thanks for your order!</p>")
          @JsonProperty("body_html")
          String bodyHtml,
      @Schema(
              description =
                  "RFC 5322 Message-ID of the email being replied to (angle brackets optional):"
                      + " the message joins its thread where this mailbox holds it, and carries"
                      + " In-Reply-To and References either way",
              example = "<CAF=qd1x0@mail.example.org>")
          @JsonProperty("in_reply_to_message_id")
          String inReplyToMessageId,
      @ArraySchema(
              arraySchema =
                  @Schema(
                      description =
                          "File attachments. Blocked types: .exe, .bat, .scr. Max total 25 MB."))
          List<AttachmentUpload> attachments) {}
}
