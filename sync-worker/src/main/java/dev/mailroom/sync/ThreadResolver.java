package dev.mailroom.sync;

import dev.mailroom.model.envelope.Ids;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.SubjectKey;
import dev.mailroom.store.mime.ParsedMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Threads in the manner of JWZ, simplified for one mailbox: a message joins the thread of any
 * message it references (In-Reply-To, References), or of a stored message that references it (the
 * reply arrived first); failing both, a reply ("Re:", "Fwd:") joins the newest thread with the same
 * subject from the last {@link #SUBJECT_WINDOW}; otherwise it starts a thread.
 */
@Component
class ThreadResolver {
  static final Duration SUBJECT_WINDOW = Duration.ofDays(30);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

  private final MessageRepository messages;

  ThreadResolver(MessageRepository messages) {
    this.messages = messages;
  }

  /**
   * Threads one batch of messages that are not stored yet. What the batch refers to, and which
   * stored messages reply to it, is looked up once for the whole batch: per message, those would be
   * two queries each.
   */
  final class Batch {
    private final String tenantId;
    private final String mailboxId;
    private final Map<String, String> byMessageId = new HashMap<>();
    private final Map<String, String> bySubject = new HashMap<>();
    private final Map<String, String> repliedTo;

    Batch(String tenantId, String mailboxId, List<ParsedMessage> messagesToThread) {
      this.tenantId = tenantId;
      this.mailboxId = mailboxId;
      Set<String> referenced = new HashSet<>();
      Set<String> own = new HashSet<>();
      for (ParsedMessage parsed : messagesToThread) {
        referenced.addAll(referencesOf(parsed));
        if (parsed.messageId() != null) {
          own.add(parsed.messageId());
        }
      }
      byMessageId.putAll(
          messages.threadsByMessageId(tenantId, mailboxId, referenced).block(STORE_TIMEOUT));
      repliedTo = messages.threadsOfRepliesTo(tenantId, mailboxId, own).block(STORE_TIMEOUT);
    }

    String threadOf(ParsedMessage parsed, Instant receivedAt) {
      String thread = null;
      for (String id : referencesOf(parsed)) {
        thread = byMessageId.get(id);
        if (thread != null) {
          break;
        }
      }
      if (thread == null && parsed.messageId() != null) {
        thread = repliedTo.get(parsed.messageId());
      }
      String subjectKey = SubjectKey.of(parsed.subject());
      if (thread == null && SubjectKey.isResponse(parsed.subject()) && !subjectKey.isEmpty()) {
        thread = bySubject.get(subjectKey);
        if (thread == null) {
          thread =
              messages
                  .threadOfSubject(
                      tenantId, mailboxId, subjectKey, receivedAt.minus(SUBJECT_WINDOW))
                  .block(STORE_TIMEOUT);
        }
      }
      if (thread == null) {
        thread = Ids.newId("thr");
      }
      if (parsed.messageId() != null) {
        byMessageId.put(parsed.messageId(), thread);
      }
      if (!subjectKey.isEmpty()) {
        bySubject.put(subjectKey, thread);
      }
      return thread;
    }
  }

  Batch batch(String tenantId, String mailboxId, List<ParsedMessage> messagesToThread) {
    return new Batch(tenantId, mailboxId, messagesToThread);
  }

  private static List<String> referencesOf(ParsedMessage parsed) {
    List<String> referenced = new ArrayList<>(parsed.references());
    if (parsed.inReplyTo() != null) {
      referenced.add(parsed.inReplyTo());
    }
    return referenced;
  }
}
