package dev.mailroom.gateway.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
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

  static final String TAG = "Email Access";
  static final String TAG_DESCRIPTION =
      "`/api/access/email/...`: search, read, send, reply, forward, delete and label mail across"
          + " the tenant's mailboxes, each operation gated by its own token permission. Limited to"
          + " 60 requests a minute and 300 an hour per token.";
  static final String EMAIL_ID =
      "Provider-prefixed email id, as search, get or a webhook's data.id gives it";
  static final String EMAIL_ID_EXAMPLE = "imap:msg_01JH3Z8Q4W2K7N5M6P9R0S1T2V";

  static final String PROVIDER =
      "Source provider: GOOGLE and M365 as the Email Access API names them; IMAP (any IMAP/SMTP"
          + " server) and HOSTED (a mailbox Mailroom hosts itself, ids hosted:...) are Mailroom's"
          + " extensions.";

  @Schema(name = "EmailAttachment", description = "An attachment's metadata")
  record Attachment(
      @Schema(description = "Id for downloadAttachment, unique within the email", example = "att_1")
          String id,
      @Schema(description = "File name as the sender gave it", example = "report.pdf") String name,
      @Schema(description = "MIME type", example = "application/pdf") String contentType,
      @Schema(description = "Size in bytes", example = "48213") long size,
      @Schema(
              description = "Whether it is shown inside the HTML body (an inline image)",
              example = "false")
          @JsonProperty("isInline")
          boolean isInline,
      @Schema(
              nullable = true,
              description =
                  "Our addition: the Content-ID (without angle brackets) that cid: references in"
                      + " the HTML body name",
              example = "logo@example.com")
          String contentId,
      @Schema(
              nullable = true,
              description =
                  "Our addition: for an attachment of a forwarded message (listed after it), the"
                      + " id of that message/rfc822 attachment",
              example = "att_2")
          String parentId) {}

  @Schema(
      name = "Email",
      description = "An email. Fields outside a token's visibleEmailFields are absent.")
  record Email(
      @Schema(description = EMAIL_ID, example = EMAIL_ID_EXAMPLE) String id,
      @Schema(
              description = "Provider-prefixed id of its thread",
              example = "imap:thr_01JH3Z8Q4W2K7N5M6P9R0S1T2V")
          String threadId,
      @Schema(
              description =
                  "The mailbox that holds the email, as the admin API, /v1 and webhooks name it"
                      + " (an extension of the published Email object)",
              example = "mbx_01JH3Z8Q4W2K7N5M6P9R0S1T2V")
          String mailboxId,
      @Schema(description = "Subject line", example = "Quarterly report") String subject,
      @Schema(description = "Sender") Participant from,
      @ArraySchema(arraySchema = @Schema(description = "To recipients; absent when there are none"))
          List<Participant> to,
      @ArraySchema(arraySchema = @Schema(description = "Cc recipients; absent when there are none"))
          List<Participant> cc,
      @ArraySchema(
              arraySchema =
                  @Schema(
                      description =
                          "Bcc recipients, known only for mail sent from the mailbox; absent"
                              + " otherwise"))
          List<Participant> bcc,
      @Schema(
              description = "The start of the text, for lists",
              example = "Hi Bob, the numbers for March are attached.")
          String bodyPreview,
      @Schema(
              nullable = true,
              description = "The full body; null when includeBody is false",
              example = "<p>Hi Bob, the numbers for March are attached.</p>")
          String body,
      @Schema(
              nullable = true,
              description = "What body holds; null without a body",
              allowableValues = {"html", "text"},
              example = "html")
          String bodyType,
      @Schema(
              nullable = true,
              description = "When it was sent; null for mail not sent yet",
              example = "2026-03-02T09:14:05.120Z")
          Instant sentAt,
      @Schema(description = "When the mailbox received it", example = "2026-03-02T09:14:07.000Z")
          Instant receivedAt,
      @Schema(description = "Whether it has been read", example = "false") @JsonProperty("isRead")
          boolean isRead,
      @Schema(description = "Whether it has attachments", example = "true") boolean hasAttachments,
      @ArraySchema(
              arraySchema =
                  @Schema(
                      description =
                          "Its attachments, inline images included; absent when there are none"))
          List<Attachment> attachments,
      @ArraySchema(
              arraySchema =
                  @Schema(description = "Labels and folders (IMAP: the folder and keywords)"),
              schema = @Schema(example = "INBOX"))
          List<String> labels,
      @Schema(
              description = "The sender's importance",
              allowableValues = {"low", "normal", "high"},
              example = "normal")
          String importance,
      @Schema(
              allowableValues = {"GOOGLE", "M365", "IMAP", "HOSTED"},
              description = PROVIDER,
              example = "IMAP")
          String provider,
      @Schema(description = "Present only when the token is restricted") AccessInfo accessInfo) {}

  @Schema(
      name = "AccessInfo",
      description = "What a restricted token may see and do; each field only where it restricts")
  record AccessInfo(
      @ArraySchema(
              arraySchema = @Schema(description = "The email fields the token sees"),
              schema = @Schema(example = "subject"))
          List<String> visibleEmailFields,
      @ArraySchema(
              arraySchema = @Schema(description = "The mailboxes the token is limited to"),
              schema = @Schema(example = "mbx_01JH3Z8Q4W2K7N5M6P9R0S1T2V"))
          List<String> mailboxIds,
      @ArraySchema(
              arraySchema = @Schema(description = "The operations the token may perform"),
              schema = @Schema(ref = "#/components/schemas/Permission"))
          List<String> allowedEmailOperations) {}

  @Schema(name = "EmailSearchResult", description = "One page of a search")
  record SearchResult(
      @ArraySchema(arraySchema = @Schema(description = "The emails of this page, newest first"))
          List<Email> emails,
      @Schema(
              description =
                  "How many emails match in all. Counted up to 1,000 when q, from, to or label"
                      + " filters (1,000 means at least 1,000); otherwise estimated from the"
                      + " newest 250 emails, and exact when there are no more",
              example = "42")
          long totalCount,
      @Schema(description = "Whether there is a next page", example = "true") boolean hasMore,
      @Schema(
              nullable = true,
              description = "Pass as pageToken for the next page; null on the last page",
              example = "eyJyIjoiMjAyNi0wMS0wMVQwMDowMDowMFoifQ")
          String nextPageToken,
      @Schema(description = "Present only when the token is restricted") AccessInfo accessInfo) {}

  @Schema(name = "EmailThread", description = "A conversation")
  record Thread(
      @Schema(
              description = "Provider-prefixed thread id",
              example = "imap:thr_01JH3Z8Q4W2K7N5M6P9R0S1T2V")
          String id,
      @Schema(description = "The first message's subject", example = "Quarterly report")
          String subject,
      @ArraySchema(arraySchema = @Schema(description = "Its messages, oldest first"))
          List<Email> messages,
      @Schema(description = "How many messages it has", example = "3") int messageCount,
      @ArraySchema(arraySchema = @Schema(description = "Everyone who wrote or received one"))
          List<Participant> participants,
      @Schema(description = "When its newest message arrived", example = "2026-03-02T09:14:07Z")
          Instant lastMessageAt,
      @Schema(
              allowableValues = {"GOOGLE", "M365", "IMAP", "HOSTED"},
              description = PROVIDER,
              example = "IMAP")
          String provider,
      @Schema(description = "Present only when the token is restricted") AccessInfo accessInfo) {}

  /** The document's form of {@link dev.mailroom.model.message.Participant}. */
  @Schema(name = "Participant", description = "An address with an optional display name")
  record Participant(
      @Schema(description = "Email address", example = "bob@example.com") String email,
      @Schema(nullable = true, description = "Display name", example = "Bob Jones") String name) {}
}
