package dev.mailroom.gateway.mail.read;

import dev.mailroom.gateway.core.ContentDispositions;
import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.MailboxScope;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobRef;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.blob.DownloadLinks;
import dev.mailroom.store.mailbox.MailboxIdentity;
import dev.mailroom.store.message.MessageBody;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.PendingBody;
import dev.mailroom.store.message.PublicIds;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.mime.MimeParser;
import dev.mailroom.store.mime.ParsedMessage;
import dev.mailroom.store.mime.ParsedMessage.ParsedAttachment;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The read side every route family shares: lookups within the scope's mailboxes, bodies and
 * attachments. Anything outside the scope is simply not found.
 */
@Component
public class MailReads {
  private final MessageRepository messages;
  private final BlobStore blobs;
  private final DownloadLinks links;

  public MailReads(MessageRepository messages, BlobStore blobs, DownloadLinks links) {
    this.messages = messages;
    this.blobs = blobs;
    this.links = links;
  }

  /**
   * The message of a scope's mailbox that carries this Message-ID, the one a new message answers;
   * empty when that mailbox holds no such message.
   */
  public Mono<StoredMessage> byMessageId(MailboxIdentity mailbox, String rfcMessageId) {
    return messages.findByRfcMessageId(mailbox.tenantId(), mailbox.id(), rfcMessageId);
  }

  /** A message with its body, or {@link MessageBody#NONE} where the body was not asked for. */
  public record Found(StoredMessage message, MessageBody body) {}

  /** The message behind a public id, with its body when {@code withBody}. */
  public Mono<Found> get(MailboxScope scope, String publicId, boolean withBody) {
    return find(scope, publicId)
        .flatMap(m -> (withBody ? body(m) : Mono.just(MessageBody.NONE)).map(b -> new Found(m, b)));
  }

  /** A thread's messages with their bodies, oldest first. */
  public Mono<List<Found>> thread(MailboxScope scope, String publicId) {
    return thread(scope.tenantId(), scope.mailboxes(), publicId)
        .flatMap(
            messages ->
                Flux.fromIterable(messages)
                    .concatMap(m -> body(m).map(b -> new Found(m, b)))
                    .collectList());
  }

  /** An attachment of a message in scope, if the scope may see attachments at all. */
  public Mono<Download> attachment(MailboxScope scope, String publicId, String attachmentId) {
    if (!scope.sees("attachments")) {
      return Mono.error(
          new MailException.NotPermitted(
              "This token's visibleEmailFields do not include attachments"));
    }
    return find(scope, publicId).flatMap(message -> attachment(message, attachmentId));
  }

  /**
   * As {@link #find}, for the families that have no Trash to look in (seeds 003 and 004): a deleted
   * message, which their listings leave out, is not found either.
   */
  public Mono<StoredMessage> findOutsideTrash(MailboxScope scope, String publicId) {
    return find(scope, publicId)
        .filter(m -> m.labels() == null || !m.labels().contains(MessageRepository.TRASH))
        .switchIfEmpty(Mono.error(() -> new MailException.NotFound("Email " + publicId)));
  }

  /** The message behind a public id, if it is in one of the scope's mailboxes; else not found. */
  public Mono<StoredMessage> find(MailboxScope scope, String publicId) {
    return find(scope.tenantId(), scope.mailboxes(), publicId);
  }

  private Mono<StoredMessage> find(
      String tenantId, List<MailboxIdentity> readable, String publicId) {
    return PublicIds.parse(publicId)
        .map(
            parsed ->
                messages
                    .findById(tenantId, parsed.id())
                    .filter(
                        m ->
                            parsed.matches(m.provider())
                                && readable.stream()
                                    .anyMatch(box -> box.id().equals(m.mailboxId()))))
        .orElse(Mono.empty())
        .switchIfEmpty(Mono.error(new MailException.NotFound("Email " + publicId)));
  }

  /** A thread's messages, oldest first; not found when none is readable. */
  private Mono<List<StoredMessage>> thread(
      String tenantId, List<MailboxIdentity> readable, String publicId) {
    return PublicIds.parse(publicId)
        .map(
            parsed ->
                messages
                    .findThread(
                        tenantId, readable.stream().map(MailboxIdentity::id).toList(), parsed.id())
                    .filter(m -> parsed.matches(m.provider()))
                    .collectList())
        .orElse(Mono.just(List.of()))
        .filter(list -> !list.isEmpty())
        .switchIfEmpty(Mono.error(new MailException.NotFound("Thread " + publicId)));
  }

  public Flux<StoredMessage> search(MessageQuery query) {
    return messages.search(query);
  }

  /** How many match in all, counted or estimated (see {@link MessageRepository#total}). */
  public Mono<Long> total(MessageQuery query, int cap) {
    return messages.total(query, cap);
  }

  public Mono<MessageBody> body(StoredMessage message) {
    PendingBody pending = message.pendingBody();
    if (pending != null) {
      return Mono.just(
          pending.html() != null
              ? new MessageBody(pending.html(), "html")
              : pending.text() == null
                  ? MessageBody.NONE
                  : new MessageBody(pending.text(), "text"));
    }
    if (message.htmlKey() != null) {
      return text(message.htmlKey())
          .map(html -> new MessageBody(html, "html"))
          .defaultIfEmpty(MessageBody.NONE);
    }
    if (message.textKey() != null) {
      // Sync stores an empty text body for a message that has none, so it is never parsed again.
      return text(message.textKey())
          .map(text -> text.isEmpty() ? MessageBody.NONE : new MessageBody(text, "text"))
          .defaultIfEmpty(MessageBody.NONE);
    }
    if (message.rawKey() != null) {
      // Synced before bodies were stored on their own: parse the raw MIME (heavy for big mail,
      // so off the event loop).
      return parsedRaw(message).map(MailReads::bodyOf).defaultIfEmpty(MessageBody.NONE);
    }
    return Mono.just(MessageBody.NONE);
  }

  /** A message's plain-text and HTML bodies, each null where the message has none. */
  public record Bodies(String text, String html) {}

  /**
   * Both bodies of a message, for the families that show them side by side (where {@link #body}
   * picks one).
   */
  public Mono<Bodies> bodies(StoredMessage message) {
    PendingBody pending = message.pendingBody();
    if (pending != null) {
      return Mono.just(new Bodies(pending.text(), pending.html()));
    }
    if (message.textKey() == null && message.htmlKey() == null) {
      return message.rawKey() == null
          ? Mono.just(new Bodies(null, null))
          : parsedRaw(message)
              .map(parsed -> new Bodies(parsed.text(), parsed.html()))
              .defaultIfEmpty(new Bodies(null, null));
    }
    Mono<Optional<String>> text =
        message.textKey() == null
            ? Mono.just(Optional.empty())
            // Sync stores an empty text body for a message that has none.
            : text(message.textKey()).filter(t -> !t.isEmpty()).map(Optional::of);
    Mono<Optional<String>> html =
        message.htmlKey() == null
            ? Mono.just(Optional.empty())
            : text(message.htmlKey()).map(Optional::of);
    return Mono.zip(text.defaultIfEmpty(Optional.empty()), html.defaultIfEmpty(Optional.empty()))
        .map(both -> new Bodies(both.getT1().orElse(null), both.getT2().orElse(null)));
  }

  /** A presigned download URL of an attachment, and the name and lifetime it was made with. */
  public record Link(URI url, String filename, Duration expiresIn) {}

  /**
   * A URL the client downloads an attachment of a message in scope from, straight from S3; the
   * attachment is named by its file name, the first one where several share it; a deleted message's
   * are not found. An attachment kept inside a pack or only in the raw MIME is first copied to an
   * object of its own, since a URL cannot carry a byte range.
   */
  public Mono<Link> attachmentLink(MailboxScope scope, String publicId, String filename) {
    return findOutsideTrash(scope, publicId)
        .flatMap(
            message -> {
              Attachment meta =
                  message.attachments() == null
                      ? null
                      : message.attachments().stream()
                          .filter(a -> filename.equals(a.filename()))
                          .findFirst()
                          .orElse(null);
              if (meta == null) {
                return Mono.error(new MailException.NotFound("Attachment " + filename));
              }
              String contentType =
                  meta.contentType() == null ? "application/octet-stream" : meta.contentType();
              Mono<String> key =
                  meta.blobKey() != null && !BlobRef.parse(meta.blobKey()).isRange()
                      ? Mono.just(meta.blobKey())
                      : copiedOut(message, meta, contentType);
              return key.map(
                  k ->
                      new Link(
                          links.link(
                              k, contentType, ContentDispositions.attachment(meta.filename())),
                          meta.filename(),
                          DownloadLinks.VALID_FOR));
            });
  }

  /** The key of the attachment's own object, copied there the first time it is asked for. */
  private Mono<String> copiedOut(StoredMessage message, Attachment meta, String contentType) {
    String key =
        BlobKeys.download(message.tenantId(), message.mailboxId(), message.id(), meta.id());
    // Copied once: later links name the copy instead of reading the pack or the MIME again.
    Mono<String> copy =
        attachment(message, meta.id())
            .flatMap(download -> blobs.put(key, download.content(), contentType))
            .thenReturn(key);
    return blobs.exists(key).flatMap(copied -> copied ? Mono.just(key) : copy);
  }

  /** An attachment's metadata and content. */
  public record Download(Attachment attachment, byte[] content) {}

  private Mono<Download> attachment(StoredMessage message, String attachmentId) {
    Attachment meta =
        message.attachments() == null
            ? null
            : message.attachments().stream()
                .filter(a -> a.id().equals(attachmentId))
                .findFirst()
                .orElse(null);
    if (meta == null) {
      return Mono.error(new MailException.NotFound("Attachment " + attachmentId));
    }
    Mono<byte[]> content;
    if (meta.blobKey() != null) {
      content = blobs.get(meta.blobKey());
    } else if (message.rawKey() != null) {
      // Synced before attachments were stored on their own: the same parser finds the same ids.
      content =
          parsedRaw(message)
              .flatMap(
                  parsed ->
                      Mono.justOrEmpty(
                          parsed.attachments().stream()
                              .filter(a -> a.id().equals(attachmentId))
                              .map(ParsedAttachment::content)
                              .findFirst()));
    } else {
      content = Mono.empty();
    }
    return content
        .map(bytes -> new Download(meta, bytes))
        .switchIfEmpty(Mono.error(new MailException.NotFound("Attachment " + attachmentId)));
  }

  private Mono<ParsedMessage> parsedRaw(StoredMessage message) {
    return blobs
        .get(message.rawKey())
        .publishOn(Schedulers.boundedElastic())
        .map(MimeParser::parse);
  }

  private static MessageBody bodyOf(ParsedMessage parsed) {
    if (parsed.html() != null) {
      return new MessageBody(parsed.html(), "html");
    }
    return parsed.text() == null ? MessageBody.NONE : new MessageBody(parsed.text(), "text");
  }

  private Mono<String> text(String key) {
    return blobs.get(key).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }
}
