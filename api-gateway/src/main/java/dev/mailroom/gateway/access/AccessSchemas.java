package dev.mailroom.gateway.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * The shapes of seed 002, for the OpenAPI document only: responses are built as maps by {@link
 * dev.mailroom.store.view.EmailView} because a restricted token must not even see the names of
 * hidden fields.
 */
final class AccessSchemas {
  private AccessSchemas() {}

  static final String PROVIDER =
      "Source provider. Seed 002 names GOOGLE and M365; IMAP (any IMAP/SMTP server) is Mailroom's"
          + " extension, and HOSTED is reserved for mailboxes Mailroom hosts itself.";

  @Schema(name = "Participant")
  record Participant(String email, @Schema(nullable = true) String name) {}

  @Schema(name = "EmailAttachment")
  record Attachment(
      String id,
      String name,
      String contentType,
      long size,
      @JsonProperty("isInline") boolean isInline,
      @Schema(
              nullable = true,
              description =
                  "Our addition: the Content-ID (without angle brackets) that cid: references in"
                      + " the HTML body name")
          String contentId,
      @Schema(
              nullable = true,
              description =
                  "Our addition: for an attachment of a forwarded message (listed after it), the"
                      + " id of that message/rfc822 attachment")
          String parentId) {}

  @Schema(name = "Email", description = "Fields outside a token's visibleEmailFields are absent.")
  record Email(
      @Schema(example = "imap:msg_0123") String id,
      String threadId,
      @Schema(
              description =
                  "The mailbox that holds the email, as the admin API, /v1 and webhooks name it"
                      + " (an extension of the published Email object)",
              example = "mbx_0123")
          String mailboxId,
      String subject,
      Participant from,
      List<Participant> to,
      List<Participant> cc,
      List<Participant> bcc,
      String bodyPreview,
      String body,
      @Schema(allowableValues = {"html", "text"}) String bodyType,
      Instant sentAt,
      Instant receivedAt,
      @JsonProperty("isRead") boolean isRead,
      boolean hasAttachments,
      List<Attachment> attachments,
      List<String> labels,
      @Schema(allowableValues = {"low", "normal", "high"}) String importance,
      @Schema(
              allowableValues = {"GOOGLE", "M365", "IMAP", "HOSTED"},
              description = PROVIDER)
          String provider) {}

  @Schema(name = "EmailSearchResult")
  record SearchResult(
      List<Email> emails,
      long totalCount,
      boolean hasMore,
      String nextPageToken,
      @Schema(description = "Present only when the token is restricted") Object accessInfo) {}

  @Schema(name = "EmailThread")
  record Thread(
      String id,
      String subject,
      List<Email> messages,
      int messageCount,
      List<Participant> participants,
      Instant lastMessageAt,
      @Schema(
              allowableValues = {"GOOGLE", "M365", "IMAP", "HOSTED"},
              description = PROVIDER)
          String provider) {}
}
