package dev.mailroom.gateway.mailboxmessages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.mailroom.gateway.mail.read.MailReads;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.model.text.Timestamps;
import dev.mailroom.store.message.StoredMessage;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Locale;

/**
 * Seed 003's message objects, as answered and as documented: snake_case, ids as UUIDs ({@link
 * UuidIds}), statuses in the seed's words.
 */
final class MailboxMessageViews {
  private MailboxMessageViews() {}

  static final String MESSAGE_UUID = "0f8e2a6c-4b1d-4c3e-9a57-2d6b8f1e0c94";

  @Schema(name = "MailboxAttachmentMetadata", description = "An attachment of a message")
  record AttachmentMetadata(
      @Schema(
              description =
                  "File name as the sender gave it; the download route takes it exactly so",
              example = "invoice-2026-11.pdf")
          String filename,
      @Schema(description = "MIME type", example = "application/pdf") @JsonProperty("content_type")
          String contentType,
      @Schema(description = "Size in bytes", example = "48213") long size) {

    static AttachmentMetadata of(Attachment a) {
      return new AttachmentMetadata(a.filename(), a.contentType(), a.size());
    }
  }

  @Schema(
      name = "MailboxMessage",
      description = "A message's metadata, as listed; bodies only come with a single message")
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record MessageItem(
      @Schema(description = "Unique message identifier", example = MESSAGE_UUID) String id,
      @Schema(description = "Owning mailbox", example = "6a1c0e2f-93b4-4d8e-b7a1-5f2c9d0e4b38")
          @JsonProperty("mailbox_id")
          String mailboxId,
      @Schema(
              nullable = true,
              description = "Conversation thread, if resolved",
              example = "c3d9b1e0-7a2f-4e65-8b14-9f0a6d2c5e71")
          @JsonProperty("thread_id")
          String threadId,
      @Schema(
              description = "RFC 5322 Message-ID header value, with its angle brackets",
              example = "<msg_0f8e2a6c4b1d4c3e9a572d6b8f1e0c94@inbox.example.com>")
          @JsonProperty("message_id")
          String messageId,
      @Schema(description = "Sender address", example = "support@inbox.example.com")
          @JsonProperty("from_address")
          String fromAddress,
      @ArraySchema(
              arraySchema = @Schema(description = "Primary recipients"),
              schema = @Schema(example = "customer@example.org"))
          @JsonProperty("to_addresses")
          List<String> toAddresses,
      @ArraySchema(
              arraySchema = @Schema(nullable = true, description = "CC recipients; null if none"),
              schema = @Schema(example = "manager@example.org"))
          @JsonProperty("cc_addresses")
          List<String> ccAddresses,
      @Schema(nullable = true, description = "Email subject line", example = "Your order #1042")
          String subject,
      @Schema(
              nullable = true,
              description = "First ~200 chars of the plain-text body",
              example = "Thanks for your order! It ships tomorrow.")
          String snippet,
      @Schema(
              description = "inbound or outbound",
              allowableValues = {"inbound", "outbound"},
              example = "outbound")
          String direction,
      @Schema(
              description =
                  "queued, sent, delivered, bounced, failed, or received. A send whose outcome"
                      + " was lost with a worker (it may have gone out, and is never sent twice)"
                      + " counts as sent; one the provider rejected before sending, as failed; one"
                      + " a recipient reported as spam, as delivered",
              allowableValues = {"queued", "sent", "delivered", "bounced", "failed", "received"},
              example = "sent")
          String status,
      @ArraySchema(
              arraySchema =
                  @Schema(
                      description =
                          "Our addition: the message's attachments, by the file names the"
                              + " download route takes"))
          @JsonProperty("attachment_metadata")
          List<AttachmentMetadata> attachmentMetadata,
      @Schema(
              description = "Our addition: when the message was stored (ISO 8601)",
              example = "2026-11-30T09:15:02Z")
          @JsonProperty("created_at")
          String createdAt) {

    static MessageItem of(StoredMessage m) {
      return new MessageItem(
          UuidIds.uuid(m.id()),
          UuidIds.uuid(m.mailboxId()),
          m.threadId() == null ? null : UuidIds.uuid(m.threadId()),
          m.rfcMessageId() == null ? null : "<" + m.rfcMessageId() + ">",
          m.from() == null ? null : m.from().email(),
          emails(m.to()),
          m.cc() == null || m.cc().isEmpty() ? null : emails(m.cc()),
          m.subject(),
          m.snippet(),
          m.direction() == null ? null : m.direction().name().toLowerCase(Locale.ROOT),
          seedStatus(m.status(), m.direction()),
          m.attachments() == null
              ? List.of()
              : m.attachments().stream().map(AttachmentMetadata::of).toList(),
          m.createdAt() == null ? null : Timestamps.format(m.createdAt()));
    }
  }

  @Schema(
      name = "MailboxMessageWithBody",
      description = "A single message: its metadata and its full body content")
  record MessageWithBody(
      @JsonUnwrapped MessageItem message,
      @Schema(
              nullable = true,
              description = "Plain-text body, from storage",
              example = "Thanks for your order! It ships tomorrow.")
          @JsonProperty("body_text")
          @JsonInclude(JsonInclude.Include.ALWAYS)
          String bodyText,
      @Schema(
              nullable = true,
              description = "HTML body, from storage",
              example = "<p>Thanks for your order! It ships tomorrow.</p>")
          @JsonProperty("body_html")
          @JsonInclude(JsonInclude.Include.ALWAYS)
          String bodyHtml) {

    static MessageWithBody of(StoredMessage m, MailReads.Bodies bodies) {
      return new MessageWithBody(MessageItem.of(m), bodies.text(), bodies.html());
    }
  }

  @Schema(name = "MailboxMessagePage", description = "A page of messages, newest first")
  record MessagePage(
      @ArraySchema(arraySchema = @Schema(description = "The page's messages, newest first"))
          List<MessageItem> messages,
      @Schema(
              nullable = true,
              description =
                  "Cursor of the next page, for the same direction filter; null on the last page",
              example = "AAAAAGk3yVAAAAAA8kX2.d2Jx3Q")
          @JsonProperty("next_cursor")
          @JsonInclude(JsonInclude.Include.ALWAYS)
          String nextCursor) {}

  @Schema(name = "MailboxAttachmentLink", description = "Where to download an attachment")
  record AttachmentLink(
      @Schema(
              description =
                  "Presigned download URL (valid for 15 minutes); S3 answers it with"
                      + " Content-Disposition: attachment",
              example =
                  "https://s3.example.com/mailroom/tenants/ten_1/mailboxes/mbx_1/messages/msg_1/attachments/att_1?X-Amz-Expires=900")
          String url,
      @Schema(description = "Attachment filename", example = "invoice-2026-11.pdf") String filename,
      @Schema(description = "URL expiration time in seconds", example = "900")
          @JsonProperty("expires_in")
          long expiresIn) {

    static AttachmentLink of(MailReads.Link link) {
      return new AttachmentLink(
          link.url().toString(), link.filename(), link.expiresIn().toSeconds());
    }
  }

  /** The core's status in seed 003's words, which has no word for unknown, complained, rejected. */
  static String seedStatus(MessageStatus status, Direction direction) {
    if (status == null) {
      return direction == Direction.INBOUND ? "received" : null;
    }
    return switch (status) {
      case QUEUED, SENDING -> "queued";
      case SENT, UNKNOWN -> "sent";
      case DELIVERED, COMPLAINED -> "delivered";
      case BOUNCED -> "bounced";
      case FAILED, REJECTED -> "failed";
      case RECEIVED -> "received";
    };
  }

  private static List<String> emails(List<Participant> participants) {
    return participants == null
        ? List.of()
        : participants.stream().map(Participant::email).toList();
  }
}
