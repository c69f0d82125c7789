package dev.mailroom.store.message;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

/**
 * The order of a conversation's messages: by arrival, oldest first. IMAP gives arrival times in
 * whole seconds while Mailroom's own sends carry milliseconds, so arrival is compared by the
 * second. Within one second, the message Mailroom learned of first comes first: a reply it sent is
 * stored before the answer to it is synced, and sync stores messages in the order the provider
 * lists them, each with a later creation time than the one before. Last by id, so that the order is
 * the same on every read.
 */
public final class ConversationOrder {
  public static final Comparator<StoredMessage> OLDEST_FIRST =
      Comparator.comparing(
              (StoredMessage m) -> second(m.receivedAt()),
              Comparator.nullsFirst(Instant::compareTo))
          .thenComparing(StoredMessage::createdAt, Comparator.nullsFirst(Instant::compareTo))
          .thenComparing(StoredMessage::id);

  private ConversationOrder() {}

  private static Instant second(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS);
  }
}
