package dev.mailroom.gateway.inbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mailroom.gateway.core.AttachmentPolicy;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Seed 004's request bodies. */
final class InboxRequests {
  private InboxRequests() {}

  @Schema(name = "InboxAttachmentUpload", description = "A file sent with the message")
  record AttachmentUpload(
      @Schema(
              description = "File name (max 255 chars); .exe, .bat and .scr are refused",
              example = "quote-1042.pdf",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String filename,
      @Schema(
              description = "MIME type; application/octet-stream if omitted",
              example = "application/pdf")
          @JsonProperty("content_type")
          String contentType,
      @Schema(
              description = "Base64-encoded file content; at most 25 MB for all files together",
              example = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKJSVFT0YK",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String content) {

    static List<AttachmentPolicy.Upload> uploads(List<AttachmentUpload> attachments) {
      return AttachmentPolicy.uploads(
          attachments, a -> new AttachmentPolicy.Upload(a.filename, a.contentType, a.content));
    }
  }

  @Schema(
      name = "InboxSendRequest",
      description = "A message to send from the inbox",
      example =
          "{\"to\":[\"customer@example.org\"],\"subject\":\"Your quote\","
              + "\"text\":\"Here is the quote you asked for.\","
              + "\"html\":\"<p>Here is the quote you asked for.</p>\","
              + "\"labels\":[\"customer-support\"]}")
  record Send(
      @ArraySchema(
              arraySchema =
                  @Schema(
                      description = "Array of recipient email addresses (at least one)",
                      requiredMode = Schema.RequiredMode.REQUIRED),
              schema = @Schema(example = "customer@example.org"))
          List<String> to,
      @ArraySchema(
              arraySchema = @Schema(description = "Array of CC recipient email addresses"),
              schema = @Schema(example = "manager@example.org"))
          List<String> cc,
      @ArraySchema(
              arraySchema = @Schema(description = "Array of BCC recipient email addresses"),
              schema = @Schema(example = "archive@example.org"))
          List<String> bcc,
      @Schema(description = "Subject line of the email (max 998 chars)", example = "Your quote")
          String subject,
      @Schema(
              description = "Plain text version of the email body",
              example = "Here is the quote you asked for.")
          String text,
      @Schema(
              description = "HTML version of the email body",
              example = "<p>Here is the quote you asked for.</p>")
          String html,
      @ArraySchema(
              arraySchema = @Schema(description = "Custom labels to organize the message"),
              schema = @Schema(example = "customer-support"))
          List<String> labels,
      @ArraySchema(arraySchema = @Schema(description = "Array of attachment objects"))
          List<AttachmentUpload> attachments) {}

  @Schema(
      name = "InboxReplyRequest",
      description = "A reply to the original's sender",
      example = "{\"text\":\"Thanks, that works for us.\"}")
  record Reply(
      @Schema(
              description = "Plain text version of the reply",
              example = "Thanks, that works for us.")
          String text,
      @Schema(
              description = "HTML version of the reply",
              example = "<p>Thanks, that works for us.</p>")
          String html) {}
}
