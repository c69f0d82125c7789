package dev.mailroom.gateway.core;

import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.PendingBody;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.mime.MimeParser;
import dev.mailroom.store.mime.ParsedMessage;
import dev.mailroom.store.mime.ParsedMessage.ParsedAttachment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The read side every route family shares: lookups within readable mailboxes, and bodies. */
@Component
public class MessageReads {
  private final MessageRepository messages;
  private final BlobStore blobs;

  public MessageReads(MessageRepository messages, BlobStore blobs) {
    this.messages = messages;
    this.blobs = blobs;
  }

  /** A body as stored: HTML when the message has one, else plain text. */
  public record Body(String content, String type) {
    static final Body NONE = new Body(null, null);
  }

  /** The message behind a public id, if it is in one of {@code readable}; else 404. */
  public Mono<StoredMessage> find(String tenantId, List<Mailbox> readable, String publicId) {
    return PublicIds.parse(publicId)
        .map(
            parsed ->
                messages
                    .findById(tenantId, parsed.id())
                    .filter(
                        m ->
                            m.provider() == parsed.provider()
                                && readable.stream()
                                    .anyMatch(box -> box.id().equals(m.mailboxId()))))
        .orElse(Mono.empty())
        .switchIfEmpty(Mono.error(ApiException.notFound("Email " + publicId)));
  }

  /** A thread's messages, oldest first; 404 when none is readable. */
  public Mono<List<StoredMessage>> thread(
      String tenantId, List<Mailbox> readable, String publicId) {
    return PublicIds.parse(publicId)
        .map(
            parsed ->
                messages
                    .findThread(tenantId, readable.stream().map(Mailbox::id).toList(), parsed.id())
                    .filter(m -> m.provider() == parsed.provider())
                    .collectList())
        .orElse(Mono.just(List.of()))
        .filter(list -> !list.isEmpty())
        .switchIfEmpty(Mono.error(ApiException.notFound("Thread " + publicId)));
  }

  public Flux<StoredMessage> search(MessageQuery query) {
    return messages.search(query);
  }

  public Mono<Long> count(MessageQuery query) {
    return messages.count(query);
  }

  public Mono<Body> body(StoredMessage message) {
    PendingBody pending = message.pendingBody();
    if (pending != null) {
      return Mono.just(
          pending.html() != null
              ? new Body(pending.html(), "html")
              : pending.text() == null ? Body.NONE : new Body(pending.text(), "text"));
    }
    if (message.htmlKey() != null) {
      return text(message.htmlKey()).map(html -> new Body(html, "html")).defaultIfEmpty(Body.NONE);
    }
    if (message.textKey() != null) {
      // Sync stores an empty text body for a message that has none, so it is never parsed again.
      return text(message.textKey())
          .map(text -> text.isEmpty() ? Body.NONE : new Body(text, "text"))
          .defaultIfEmpty(Body.NONE);
    }
    if (message.rawKey() != null) {
      // Synced before bodies were stored on their own: parse the raw MIME (heavy for big mail,
      // so off the event loop).
      return parsedRaw(message).map(MessageReads::bodyOf).defaultIfEmpty(Body.NONE);
    }
    return Mono.just(Body.NONE);
  }

  /** An attachment's metadata and content; 404 when the message has no such attachment. */
  public record Download(Attachment attachment, byte[] content) {}

  public Mono<Download> attachment(StoredMessage message, String attachmentId) {
    Attachment meta =
        message.attachments() == null
            ? null
            : message.attachments().stream()
                .filter(a -> a.id().equals(attachmentId))
                .findFirst()
                .orElse(null);
    if (meta == null) {
      return Mono.error(ApiException.notFound("Attachment " + attachmentId));
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
        .switchIfEmpty(Mono.error(ApiException.notFound("Attachment " + attachmentId)));
  }

  private Mono<ParsedMessage> parsedRaw(StoredMessage message) {
    return blobs
        .get(message.rawKey())
        .publishOn(Schedulers.boundedElastic())
        .map(MimeParser::parse);
  }

  private static Body bodyOf(ParsedMessage parsed) {
    if (parsed.html() != null) {
      return new Body(parsed.html(), "html");
    }
    return parsed.text() == null ? Body.NONE : new Body(parsed.text(), "text");
  }

  private Mono<String> text(String key) {
    return blobs.get(key).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }
}
