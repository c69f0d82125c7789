package dev.mailroom.sync;

import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.RawMime;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobRef;
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
 * attachment in S3 (packed per batch, see {@link BatchBlobs}), parsed once here, and a metadata
 * record. Record ids are derived from mailbox and provider id, so a batch retried after a crash
 * writes the same records again instead of new ones.
 */
@Component
class MessageIngester {
  private static final Logger log = LoggerFactory.getLogger(MessageIngester.class);
  private static final int SEARCHABLE_TEXT = 20_000;
  private static final int PARALLEL_PUTS = 8;

  /**
   * The most bytes one pack object holds before the batch starts another: large enough that a batch
   * of ordinary mail is one write, small enough that a pack is never a large upload to retry.
   */
  static final int PACK_BYTES = 8 * 1024 * 1024;

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
   * The record to insert for a fetched message. Its raw bytes, bodies and attachments are placed in
   * {@code blobs}, whose {@link BatchBlobs#store} writes them, from the same parse.
   */
  StoredMessage record(
      Mailbox mailbox,
      String providerMessageId,
      FetchedMessage fetched,
      ParsedMessage parsed,
      String threadId,
      List<String> labels,
      BatchBlobs blobs) {
    String id = messageId(mailbox.id(), providerMessageId);
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
    String rawKey =
        fetched.raw() instanceof RawMime.Spooled large
            ? blobs.alone(BlobKeys.rawMime(mailbox.tenantId(), mailbox.id(), id), large)
            : blobs.add(fetched.raw().bytes());
    // Parsed once, here: reads serve these parts and never parse the raw source again. A message
    // without any body still gets an (empty) text part, so that holds for it too.
    String htmlKey = parsed.html() == null ? null : blobs.add(utf8(parsed.html()));
    String textKey =
        parsed.text() == null && htmlKey != null
            ? null
            : blobs.add(utf8(parsed.text() == null ? "" : parsed.text()));
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
              blobs.add(a.content())));
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

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  BatchBlobs batchBlobs(Mailbox mailbox) {
    return new BatchBlobs(mailbox);
  }

  /**
   * The S3 side of one batch. Parts are written side by side into pack objects of up to {@link
   * #PACK_BYTES}, so a batch of a hundred messages costs a few S3 writes instead of two or three
   * per message; each record keeps its parts' ranges ({@link BlobRef}). A message spooled to disk
   * for its size keeps an object of its own, streamed from the file. A pack's name is new for every
   * batch, never reused: a retried batch writes a new pack rather than changing the ranges that
   * records already stored point into, and the pack of a batch whose records were never stored is
   * removed with its mailbox, like everything under it.
   */
  final class BatchBlobs {
    private final Mailbox mailbox;
    private final List<Pack> packs = new ArrayList<>();
    private final List<Spooled> spooled = new ArrayList<>();

    private BatchBlobs(Mailbox mailbox) {
      this.mailbox = mailbox;
    }

    /** Places a part in the batch's current pack; returns the reference a record keeps. */
    String add(byte[] part) {
      Pack pack = packs.isEmpty() ? null : packs.get(packs.size() - 1);
      if (pack == null || (pack.size > 0 && pack.size + part.length > PACK_BYTES)) {
        pack = new Pack(BlobKeys.pack(mailbox.tenantId(), mailbox.id(), Ids.newId("pack")));
        packs.add(pack);
      }
      String ref = BlobRef.range(pack.key, pack.size, part.length).toString();
      pack.parts.add(part);
      pack.size += part.length;
      return ref;
    }

    /** A large message's raw bytes, streamed from their file to an object of their own. */
    String alone(String key, RawMime.Spooled raw) {
      spooled.add(new Spooled(key, raw));
      return key;
    }

    /**
     * Starts writing every pack and object of the batch, several at a time. The future completes
     * when all are stored.
     */
    CompletableFuture<Void> store() {
      Flux<Void> writes =
          Flux.concat(
                  Flux.fromIterable(packs).map(p -> blobs.putPack(p.key, p.parts)),
                  Flux.fromIterable(spooled)
                      .map(s -> blobs.put(s.key, s.raw.file(), "message/rfc822")))
              .flatMap(write -> write, PARALLEL_PUTS);
      return writes.then().timeout(Duration.ofMinutes(2)).toFuture();
    }
  }

  private static final class Pack {
    private final String key;
    private final List<byte[]> parts = new ArrayList<>();
    private long size;

    Pack(String key) {
      this.key = key;
    }
  }

  private record Spooled(String key, RawMime.Spooled raw) {}
}
