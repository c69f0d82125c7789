package dev.mailroom.gateway.inbox;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The shapes of seed 004, for the OpenAPI document only: answers are built as maps by {@link
 * dev.mailroom.store.view.InboxMessageView}, the same object the webhooks carry, with this family's
 * additions ({@link InboxViews}).
 */
final class InboxSchemas {
  private InboxSchemas() {}

  static final String TAG = "Inboxes";
  static final String TAG_DESCRIPTION =
      "`/inboxes/{inbox_id}/messages/...`: the messages of one of the organization's inboxes:"
          + " send with labels and attachments, reply in the same thread, list with search, get"
          + " with attachment content. Sends and replies are limited to 100 an hour per"
          + " organization. Gated by the token's email operations, like the Email Access API.";
  static final String INBOX_ID = "The unique identifier of the inbox";
  static final String INBOX_ID_EXAMPLE = "mbx_5f2c9d0e4b386a1c0e2f93b44d8eb7a1";
  static final String MESSAGE_ID = "The unique identifier of the message";
  static final String MESSAGE_ID_EXAMPLE = "msg_0f8e2a6c4b1d4c3e9a572d6b8f1e0c94";

  @Schema(name = "InboxAttachment", description = "An attachment of a message")
  record Attachment(
      @Schema(description = "Id of the attachment within the message", example = "att_1")
          String attachment_id,
      @Schema(description = "File name as the sender gave it", example = "quote-1042.pdf")
          String filename,
      @Schema(
              description =
                  "MIME type. Get Message repeats it as contentType, the seed's name for it, which"
                      + " is left out of this schema: one class cannot hold both spellings",
              example = "application/pdf")
          String content_type,
      @Schema(description = "Size in bytes", example = "48213") long size,
      @Schema(description = "Whether the HTML body shows it inline", example = "false")
          boolean inline,
      @Schema(
              nullable = true,
              description = "Content-ID (without angle brackets) that cid: references name",
              example = "logo@example.com")
          String content_id,
      @Schema(
              nullable = true,
              description = "Get Message only: the file name (as filename)",
              example = "quote-1042.pdf")
          String name,
      @Schema(
              nullable = true,
              description = "Get Message only: the content, base64-encoded",
              example = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKJSVFT0YK")
          String content) {}

  @Schema(name = "InboxMessage", description = "A message of an inbox")
  record Message(
      @Schema(description = "Unique identifier for the message", example = MESSAGE_ID_EXAMPLE)
          String id,
      @Schema(
              description = "ID of the organization that owns this message",
              example = "ten_2b7c1d9e0f3a4b5c6d7e8f9a0b1c2d3e")
          String organization_id,
      @Schema(description = "ID of the inbox this message belongs to", example = INBOX_ID_EXAMPLE)
          String inbox_id,
      @Schema(
              description = "ID of the thread this message belongs to",
              example = "thr_c3d9b1e07a2f4e658b149f0a6d2c5e71")
          String thread_id,
      @Schema(
              nullable = true,
              description = "ID of the inbox the message was sent from, if it is one of yours",
              example = INBOX_ID_EXAMPLE)
          String from_inbox_id,
      @Schema(
              nullable = true,
              description =
                  "ID of the inbox the message was sent to, if it is one of yours (Get Message"
                      + " and sends)",
              example = "mbx_0a1b2c3d4e5f60718293a4b5c6d7e8f9")
          String to_inbox_id,
      @Schema(
              nullable = true,
              description = "RFC 5322 Message-ID, without angle brackets",
              example = "msg_0f8e2a6c4b1d4c3e9a572d6b8f1e0c94@inbox.example.com")
          String message_id,
      @Schema(
              description = "Email address the message was sent from",
              example = "support@inbox.example.com")
          String from,
      @Schema(nullable = true, description = "Sender's display name", example = "Support")
          String from_name,
      @ArraySchema(
              arraySchema = @Schema(description = "Array of recipient email addresses"),
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
      @Schema(nullable = true, description = "Subject line of the email", example = "Your quote")
          String subject,
      @Schema(
              nullable = true,
              description = "First ~200 characters of the body",
              example = "Here is the quote you asked for.")
          String snippet,
      @Schema(
              nullable = true,
              description = "Plain text version of the email body",
              example = "Here is the quote you asked for.")
          String text,
      @Schema(
              nullable = true,
              description = "HTML version of the email body",
              example = "<p>Here is the quote you asked for.</p>")
          String html,
      @ArraySchema(
              arraySchema = @Schema(description = "Custom labels assigned to the message"),
              schema = @Schema(example = "customer-support"))
          List<String> labels,
      @ArraySchema(arraySchema = @Schema(description = "Array of attachment objects"))
          List<Attachment> attachments,
      @Schema(
              nullable = true,
              description = "External message ID from the email service provider",
              example = "INBOX:1:42")
          String external_id,
      @Schema(
              description = "inbound or outbound",
              allowableValues = {"inbound", "outbound"},
              example = "outbound")
          String direction,
      @Schema(
              description =
                  "Status of the message: sent, received, delivered, bounced, complained,"
                      + " rejected; and Mailroom's queued (accepted, not yet handed to the mail"
                      + " server) and failed",
              allowableValues = {
                "queued",
                "sent",
                "received",
                "delivered",
                "bounced",
                "complained",
                "rejected",
                "failed"
              },
              example = "sent")
          String status,
      @Schema(
              description = "ISO 8601 timestamp of when the message was created",
              example = "2026-11-30T09:15:02Z")
          String created_at,
      @Schema(
              description = "ISO 8601 timestamp of when the message was last updated",
              example = "2026-11-30T09:15:04Z")
          String updated_at) {}
}
