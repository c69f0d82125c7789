package dev.mailroom.sync;

import dev.mailroom.model.envelope.Ids;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.SubjectKey;
import dev.mailroom.store.message.ThreadKeys;
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
 * Threads in the manner of JWZ, simplified for one mailbox: a copy of a stored message joins its
 * thread; a message joins the thread of any message it references (In-Reply-To, References), or of
 * a stored message that references it (the reply arrived first); failing both, a reply ("Re:",
 * "Fwd:") joins the newest thread with the same subject from the last {@link #SUBJECT_WINDOW};
 * otherwise it starts a thread.
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
   * Threads one batch of messages that are not stored yet. What the batch refers to, which stored
   * messages reply to it, and the threads of its reply subjects are looked up once for the whole
   * batch, by key, so a batch costs the same whatever the mailbox's size.
   */
  final class Batch {
    /** Stored threads by Message-ID, and those of this batch's messages as they are threaded. */
    private final Map<String, String> byMessageId = new HashMap<>();

    private final Map<String, String> bySubject = new HashMap<>();
    private final Map<String, String> repliedTo;
    private final Map<String, ThreadKeys.SubjectThread> storedSubjects;

    Batch(String tenantId, String mailboxId, List<ParsedMessage> messagesToThread) {
      Set<String> referenced = new HashSet<>();
      Set<String> own = new HashSet<>();
      Set<String> replySubjects = new HashSet<>();
      for (ParsedMessage parsed : messagesToThread) {
        referenced.addAll(referencesOf(parsed));
        if (parsed.messageId() != null) {
          own.add(parsed.messageId());
        }
        if (SubjectKey.isResponse(parsed.subject())) {
          replySubjects.add(SubjectKey.of(parsed.subject()));
        }
      }
      Set<String> known = new HashSet<>(referenced);
      known.addAll(own);
      byMessageId.putAll(
          messages.threadsByMessageId(tenantId, mailboxId, known).block(STORE_TIMEOUT));
      repliedTo = messages.threadsOfRepliesTo(tenantId, mailboxId, own).block(STORE_TIMEOUT);
      storedSubjects =
          messages.newestThreadsBySubject(tenantId, mailboxId, replySubjects).block(STORE_TIMEOUT);
    }

    String threadOf(ParsedMessage parsed, Instant receivedAt) {
      // A copy of a message already stored (another folder, or a retried batch) joins its thread.
      String thread = parsed.messageId() == null ? null : byMessageId.get(parsed.messageId());
      if (thread == null) {
        for (String id : referencesOf(parsed)) {
          thread = byMessageId.get(id);
          if (thread != null) {
            break;
          }
        }
      }
      if (thread == null && parsed.messageId() != null) {
        thread = repliedTo.get(parsed.messageId());
      }
      String subjectKey = SubjectKey.of(parsed.subject());
      if (thread == null && SubjectKey.isResponse(parsed.subject()) && !subjectKey.isEmpty()) {
        thread = bySubject.get(subjectKey);
        ThreadKeys.SubjectThread newest = storedSubjects.get(subjectKey);
        if (thread == null
            && newest != null
            && !newest.receivedAt().isBefore(receivedAt.minus(SUBJECT_WINDOW))) {
          thread = newest.threadId();
        }
      }
      if (thread == null) {
        thread = Ids.newId("thr");
      }
      if (parsed.messageId() != null) {
        byMessageId.putIfAbsent(parsed.messageId(), thread);
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
