package dev.mailroom.sync;

import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.RawMime;
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
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * A fetched message into what Mailroom stores: raw MIME, the text and HTML bodies and each
 * attachment as their own S3 objects, parsed once here, and a metadata record. Ids are derived from
 * mailbox and provider id, so a batch retried after a crash writes the same keys and records again
 * instead of new ones.
 */
@Component
class MessageIngester {
  private static final Logger log = LoggerFactory.getLogger(MessageIngester.class);
  private static final int SEARCHABLE_TEXT = 20_000;
  private static final int PARALLEL_PUTS = 8;

  private final BlobStore blobs;
  private final Clock clock;

  MessageIngester(BlobStore blobs, Clock clock) {
    this.blobs = blobs;
    this.clock = clock;
  }

  /**
   * The last creation time handed out. Records get strictly increasing ones, so that creation order
   * is the order sync listed and stored them, which conversations fall back on for messages that
   * arrived in the same second; the store need not know how any provider numbers its messages.
   */
  private final AtomicReference<Instant> lastCreatedAt = new AtomicReference<>(Instant.EPOCH);

  record Ingested(StoredMessage message, ParsedMessage parsed) {}

  /** Now, to the millisecond the store keeps, or a millisecond after the last if not later. */
  private Instant nextCreatedAt() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    return lastCreatedAt.updateAndGet(last -> now.isAfter(last) ? now : last.plusMillis(1));
  }

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
      return fetched.raw() instanceof RawMime.Spooled large
          ? MimeParser.parse(large.file())
          : MimeParser.parse(fetched.raw().bytes());
    } catch (IOException | RuntimeException e) {
      // The parser keeps what it can itself; this is the last guard. Unparseable mail is still
      // mail: keep it, with what little is known.
      log.warn("Message {} could not be parsed at all ({}); kept raw", fetched.ref(), e.toString());
      return new ParsedMessage(
          null, null, List.of(), null, null, List.of(), List.of(), List.of(), List.of(), null, null,
          null, null, List.of());
    }
  }

  /**
   * The record to insert for a fetched message; its raw bytes, bodies and attachments go to {@link
   * #storeRawInBackground}, which is given the same parse instead of parsing again.
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
    Instant now = nextCreatedAt();
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
    for (var a : parsed.attachments()) {
      attachments.add(
          new Attachment(
              a.id(),
              a.filename(),
              a.contentType(),
              a.content().length,
              a.inline(),
              a.contentId(),
              BlobKeys.attachment(mailbox.tenantId(), mailbox.id(), id, a.id())));
    }
    // Parsed once, here: reads serve these objects and never parse the raw source again. A
    // message without any body still gets an (empty) text object, so that holds for it too.
    String htmlKey =
        parsed.html() == null ? null : BlobKeys.htmlBody(mailbox.tenantId(), mailbox.id(), id);
    String textKey =
        parsed.text() == null && htmlKey != null
            ? null
            : BlobKeys.textBody(mailbox.tenantId(), mailbox.id(), id);
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
            textKey,
            htmlKey,
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

  /**
   * Starts storing a batch in S3 at once, several objects at a time: each message's raw MIME, its
   * bodies and its attachments under the keys {@link #record} chose. The future completes when all
   * are stored; keys are deterministic, so a retried batch overwrites instead of adding.
   */
  CompletableFuture<Void> storeRawInBackground(
      List<StoredMessage> records, List<FetchedMessage> raws, List<ParsedMessage> parsed) {
    List<Blob> blobs = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      StoredMessage record = records.get(i);
      ParsedMessage message = parsed.get(i);
      blobs.add(new Blob(record.rawKey(), raws.get(i).raw(), "message/rfc822"));
      if (record.textKey() != null) {
        String text = message.text() == null ? "" : message.text();
        blobs.add(
            new Blob(
                record.textKey(),
                text.getBytes(StandardCharsets.UTF_8),
                "text/plain; charset=utf-8"));
      }
      if (record.htmlKey() != null) {
        blobs.add(
            new Blob(
                record.htmlKey(),
                message.html().getBytes(StandardCharsets.UTF_8),
                "text/html; charset=utf-8"));
      }
      for (int a = 0; a < record.attachments().size(); a++) {
        blobs.add(
            new Blob(
                record.attachments().get(a).blobKey(),
                message.attachments().get(a).content(),
                "application/octet-stream"));
      }
    }
    return Flux.fromIterable(blobs)
        .flatMap(
            blob ->
                blob.content() instanceof RawMime.Spooled large
                    ? this.blobs.put(blob.key(), large.file(), blob.contentType())
                    : this.blobs.put(blob.key(), blob.content().bytes(), blob.contentType()),
            PARALLEL_PUTS)
        .then()
        .timeout(Duration.ofMinutes(2))
        .toFuture();
  }

  private record Blob(String key, RawMime content, String contentType) {
    Blob(String key, byte[] bytes, String contentType) {
      this(key, RawMime.of(bytes), contentType);
    }
  }
}
