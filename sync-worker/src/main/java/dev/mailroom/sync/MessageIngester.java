package dev.mailroom.sync;

import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.Participants;
import dev.mailroom.store.message.SearchTokens;
import dev.mailroom.store.message.Snippets;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.message.SubjectKey;
import dev.mailroom.store.mime.HtmlText;
import dev.mailroom.store.mime.MimeParser;
import dev.mailroom.store.mime.ParsedMessage;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * A fetched message into what Mailroom stores: raw MIME in S3 (bodies and attachments are parsed
 * from it on demand) and a metadata record. Ids are derived from mailbox and provider id, so a
 * batch retried after a crash writes the same keys and records again instead of new ones.
 */
@Component
class MessageIngester {
  private static final int SEARCHABLE_TEXT = 20_000;
  private static final int PARALLEL_PUTS = 8;

  private final BlobStore blobs;
  private final Clock clock = Clock.systemUTC();

  MessageIngester(BlobStore blobs) {
    this.blobs = blobs;
  }

  record Ingested(StoredMessage message, ParsedMessage parsed) {}

  static String messageId(String mailboxId, String providerMessageId) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((mailboxId + "\n" + providerMessageId).getBytes(StandardCharsets.UTF_8));
      return "msg_" + HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ParsedMessage parse(FetchedMessage fetched) {
    try {
      return MimeParser.parse(fetched.raw());
    } catch (MessagingException | IOException e) {
      // Unparseable mail is still mail: keep it, with what little is known.
      return new ParsedMessage(
          null, null, List.of(), null, null, List.of(), List.of(), List.of(), List.of(), null, null,
          null, null, List.of());
    }
  }

  /**
   * The record to insert for a fetched message; its raw bytes go to {@link #storeRawInBackground}.
   */
  StoredMessage record(
      Mailbox mailbox,
      String providerMessageId,
      FetchedMessage fetched,
      ParsedMessage parsed,
      String threadId,
      List<String> labels) {
    String id = messageId(mailbox.id(), providerMessageId);
    String rawKey = BlobKeys.rawMime(mailbox.tenantId(), mailbox.id(), id);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Instant receivedAt =
        fetched.receivedAt() != null
            ? fetched.receivedAt()
            : parsed.sentAt() != null ? parsed.sentAt() : now;
    String self = mailbox.address().toLowerCase(Locale.ROOT);
    boolean outbound =
        labels.contains("SENT")
            || (parsed.from() != null && parsed.from().email().equalsIgnoreCase(self));
    String plain = parsed.text() != null ? parsed.text() : HtmlText.toText(parsed.html());
    List<String> toEmails = Participants.emails(parsed.to());
    List<Attachment> attachments = new ArrayList<>();
    for (int i = 0; i < parsed.attachments().size(); i++) {
      var a = parsed.attachments().get(i);
      attachments.add(
          new Attachment(
              "att_" + (i + 1),
              a.filename(),
              a.contentType(),
              a.content().length,
              a.inline(),
              a.contentId(),
              null));
    }
    StoredMessage message =
        new StoredMessage(
            id,
            mailbox.tenantId(),
            mailbox.id(),
            mailbox.provider(),
            providerMessageId,
            threadId,
            parsed.messageId(),
            parsed.inReplyTo(),
            parsed.references(),
            parsed.subject(),
            SubjectKey.of(parsed.subject()),
            parsed.from(),
            parsed.to(),
            parsed.cc(),
            parsed.bcc(),
            parsed.from() == null ? null : parsed.from().email().toLowerCase(Locale.ROOT),
            toEmails,
            Participants.everyone(parsed.from(), parsed.to(), parsed.cc(), parsed.bcc()),
            Snippets.of(plain),
            null,
            null,
            rawKey,
            parsed.sentAt(),
            receivedAt.truncatedTo(ChronoUnit.MILLIS),
            fetched.flags().seen(),
            labels,
            parsed.importance(),
            attachments.stream().anyMatch(a -> !a.inline()),
            attachments,
            outbound ? Direction.OUTBOUND : Direction.INBOUND,
            outbound ? MessageStatus.SENT : MessageStatus.RECEIVED,
            null,
            SearchTokens.of(
                parsed.subject(),
                parsed.from() == null ? null : parsed.from().email(),
                parsed.from() == null ? null : parsed.from().name(),
                String.join(" ", toEmails),
                plain == null
                    ? null
                    : plain.substring(0, Math.min(plain.length(), SEARCHABLE_TEXT))),
            now,
            now,
            null,
            null);
    return message;
  }

  /** Raw MIME of a batch to S3, several at a time; keys are deterministic, so retries overwrite. */
  /** Starts storing the raw bytes in S3 at once; the future completes when all are stored. */
  CompletableFuture<Void> storeRawInBackground(
      List<StoredMessage> records, List<FetchedMessage> raws) {
    return Flux.range(0, records.size())
        .flatMap(
            i -> blobs.put(records.get(i).rawKey(), raws.get(i).raw(), "message/rfc822"),
            PARALLEL_PUTS)
        .then()
        .timeout(Duration.ofMinutes(2))
        .toFuture();
  }
}
