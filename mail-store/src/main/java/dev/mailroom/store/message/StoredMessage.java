package dev.mailroom.store.message;

import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.model.message.ProviderKind;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One message of one mailbox: metadata here, bodies and raw MIME in S3 under {@code *Key}.
 *
 * @param providerMessageId the provider's own id (IMAP: {@code folder:uidvalidity:uid}); unique per
 *     mailbox, so a re-sync finds the message instead of adding it again
 * @param rfcMessageId the Message-ID header without angle brackets, as are {@code inReplyTo} and
 *     {@code references}
 * @param subjectKey the subject without reply/forward prefixes, lower case: the threading fallback
 *     when headers are missing
 * @param searchTokens lower-case words of subject, participants and text, for free-text search
 *     without MongoDB {@code $text}
 * @param participantEmails lower-case addresses of from, to, cc and bcc
 * @param deletedAt set by a soft delete; such messages are invisible to reads
 * @param pendingBody an outbound message's small body, kept here from the request until the send
 *     worker has stored the raw MIME it was sent as; null otherwise
 */
@Document("messages")
public record StoredMessage(
    @Id String id,
    String tenantId,
    String mailboxId,
    ProviderKind provider,
    String providerMessageId,
    String threadId,
    String rfcMessageId,
    String inReplyTo,
    List<String> references,
    String subject,
    String subjectKey,
    Participant from,
    List<Participant> to,
    List<Participant> cc,
    List<Participant> bcc,
    String fromEmail,
    List<String> toEmails,
    List<String> participantEmails,
    String snippet,
    String textKey,
    String htmlKey,
    String rawKey,
    Instant sentAt,
    Instant receivedAt,
    boolean read,
    List<String> labels,
    Importance importance,
    boolean hasAttachments,
    List<Attachment> attachments,
    Direction direction,
    MessageStatus status,
    String statusReason,
    List<String> searchTokens,
    Instant createdAt,
    Instant updatedAt,
    Instant deletedAt,
    PendingBody pendingBody) {
  public static String pendingProviderId(String messageId) {
    return "outbox:" + messageId;
  }

  /** The lower-case addresses it was sent to: To, Cc and Bcc. */
  public Set<String> recipientEmails() {
    Set<String> sentTo = new HashSet<>();
    for (List<Participant> group : Arrays.asList(to, cc, bcc)) {
      if (group != null) {
        group.forEach(p -> sentTo.add(p.email().toLowerCase(Locale.ROOT)));
      }
    }
    return sentTo;
  }

  /**
   * Whether a provider id is the placeholder a send is recorded under ({@link #pendingProviderId}).
   */
  public static boolean isPendingProviderId(String providerMessageId) {
    return providerMessageId != null && providerMessageId.startsWith(pendingProviderId(""));
  }
}
