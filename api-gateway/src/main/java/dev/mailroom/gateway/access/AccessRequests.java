package dev.mailroom.gateway.access;

import dev.mailroom.gateway.access.AccessSchemas.Participant;
import dev.mailroom.gateway.core.AttachmentPolicy;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * Request bodies of the Email Access API, as its contract writes them; {@code attachments} on send
 * and reply is Mailroom's extension of it. {@link Participant} is the document's form of the core's
 * participant, which Jackson reads from the same JSON.
 */
final class AccessRequests {
  private AccessRequests() {}

  static final String BODY_TYPE = "What body holds: html (the default) or text";

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
      return AttachmentPolicy.uploads(attachments, AttachmentUpload::upload);
    }
  }

  @Schema(
      description =
          "A new email. The example sends from the tenant's default mailbox, so it works as it"
              + " is.",
      example =
          "{\"to\":[{\"email\":\"bob@example.com\",\"name\":\"Bob Jones\"}],"
              + "\"subject\":\"Quarterly report\","
              + "\"body\":\"<p>Hi Bob, the numbers for March are attached.</p>\","
              + "\"bodyType\":\"html\",\"importance\":\"normal\"}")
  record Send(
      @ArraySchema(
              arraySchema = @Schema(description = "Recipients; at least one of to, cc or bcc"),
              schema = @Schema(implementation = Participant.class))
          List<dev.mailroom.model.message.Participant> to,
      @ArraySchema(
              arraySchema = @Schema(description = "Cc recipients"),
              schema = @Schema(implementation = Participant.class))
          List<dev.mailroom.model.message.Participant> cc,
      @ArraySchema(
              arraySchema = @Schema(description = "Bcc recipients"),
              schema = @Schema(implementation = Participant.class))
          List<dev.mailroom.model.message.Participant> bcc,
      @Schema(description = "Subject line", example = "Quarterly report") String subject,
      @Schema(
              description = "The body, in bodyType",
              example = "<p>Hi Bob, the numbers for March are attached.</p>",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String body,
      @Schema(
              description = BODY_TYPE,
              allowableValues = {"html", "text"},
              defaultValue = "html",
              example = "html")
          String bodyType,
      @Schema(
              description = "Importance shown to the recipients",
              allowableValues = {"low", "normal", "high"},
              defaultValue = "normal",
              example = "normal")
          String importance,
      @Schema(
              description =
                  "Address of the tenant's mailbox to send from; the default mailbox when"
                      + " neither this nor connectionId is given",
              example = "alice@example.com")
          String sendFrom,
      @Schema(
              description =
                  "Connection id of the mailbox to send from (the mailbox's connectionId); wins"
                      + " over sendFrom",
              example = "1")
          Long connectionId,
      @ArraySchema(
              arraySchema =
                  @Schema(
                      description =
                          "Files to attach (Mailroom's extension of the Access API): blocked types"
                              + " and more than 25 MB in total are refused with 400."),
              schema = @Schema(implementation = AttachmentUpload.class))
          List<AttachmentUpload> attachments) {}

  @Schema(description = "A reply to an email")
  record Reply(
      @Schema(
              description = "The reply's body, in bodyType; the original is not quoted",
              example = "<p>Thanks, I'll review this and get back to you.</p>",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String body,
      @Schema(
              description = BODY_TYPE,
              allowableValues = {"html", "text"},
              defaultValue = "html",
              example = "html")
          String bodyType,
      @Schema(
              description =
                  "Reply to the sender and every To and Cc recipient, not only the sender",
              defaultValue = "false",
              example = "false")
          Boolean replyAll,
      @ArraySchema(
              arraySchema =
                  @Schema(
                      description =
                          "Files to attach (Mailroom's extension of the Access API): blocked types"
                              + " and more than 25 MB in total are refused with 400."),
              schema = @Schema(implementation = AttachmentUpload.class))
          List<AttachmentUpload> attachments) {}

  @Schema(description = "A forward of an email")
  record Forward(
      @ArraySchema(
              arraySchema = @Schema(description = "Recipients"),
              schema = @Schema(implementation = Participant.class),
              minItems = 1)
          List<dev.mailroom.model.message.Participant> to,
      @ArraySchema(
              arraySchema = @Schema(description = "Cc recipients"),
              schema = @Schema(implementation = Participant.class))
          List<dev.mailroom.model.message.Participant> cc,
      @Schema(
              description = "A message put above the forwarded email",
              example = "FYI, see the email below.")
          String body,
      @Schema(
              description = BODY_TYPE,
              allowableValues = {"html", "text"},
              defaultValue = "html",
              example = "html")
          String bodyType) {}

  @Schema(description = "Changes to an email; at least one field")
  record Modify(
      @Schema(
              description = "true marks read, false unread (permission mark_as_read)",
              example = "true")
          Boolean markAsRead,
      @ArraySchema(
              arraySchema = @Schema(description = "Labels to add (permission apply_labels)"),
              schema = @Schema(example = "IMPORTANT"))
          List<String> addLabels,
      @ArraySchema(
              arraySchema = @Schema(description = "Labels to remove (permission apply_labels)"),
              schema = @Schema(example = "Later"))
          List<String> removeLabels) {}

  /** Seed 001's answer to send, reply and forward. */
  @Schema(description = "The outcome of a send, reply or forward")
  record SendResult(
      @Schema(description = "Whether the mail server accepted it", example = "true")
          boolean success,
      @Schema(
              nullable = true,
              description = "Provider-prefixed id of the sent email",
              example = AccessSchemas.EMAIL_ID_EXAMPLE)
          String emailId,
      @Schema(
              nullable = true,
              description = "Provider-prefixed id of its thread",
              example = "imap:thr_01JH3Z8Q4W2K7N5M6P9R0S1T2V")
          String threadId,
      @Schema(
              nullable = true,
              description = "Why it failed, when success is false",
              example = "Mailbox unavailable")
          String errorMessage) {}
}
