package dev.mailroom.gateway.core;

import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.PendingBody;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.mime.MimeParser;
import dev.mailroom.store.mime.ParsedMessage;
import jakarta.mail.MessagingException;
import java.io.IOException;
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
      return text(message.textKey()).map(text -> new Body(text, "text")).defaultIfEmpty(Body.NONE);
    }
    if (message.rawKey() != null) {
      // Synced mail keeps only its raw MIME; parsing may be heavy, so off the event loop.
      return blobs
          .get(message.rawKey())
          .publishOn(Schedulers.boundedElastic())
          .map(MessageReads::fromRaw)
          .defaultIfEmpty(Body.NONE);
    }
    return Mono.just(Body.NONE);
  }

  private static Body fromRaw(byte[] raw) {
    try {
      ParsedMessage parsed = MimeParser.parse(raw);
      if (parsed.html() != null) {
        return new Body(parsed.html(), "html");
      }
      return parsed.text() == null ? Body.NONE : new Body(parsed.text(), "text");
    } catch (MessagingException | IOException e) {
      return new Body(new String(raw, StandardCharsets.UTF_8), "text");
    }
  }

  private Mono<String> text(String key) {
    return blobs.get(key).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }
}
