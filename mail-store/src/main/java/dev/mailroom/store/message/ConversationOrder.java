package dev.mailroom.store.message;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

/**
 * The order of a conversation's messages: by arrival, oldest first. IMAP gives arrival times in
 * whole seconds while Mailroom's own sends carry milliseconds, so arrival is compared by the
 * second. Within one second, the message Mailroom learned of first comes first (a reply it sent is
 * stored before the answer to it is synced), and among those stored together, a later UID in the
 * same folder arrived later ({@code folder:validity:uid} ids compare by folder, then by UID). Last
 * by id, so that the order is the same on every read.
 */
public final class ConversationOrder {
  public static final Comparator<StoredMessage> OLDEST_FIRST =
      Comparator.comparing(
              (StoredMessage m) -> second(m.receivedAt()),
              Comparator.nullsFirst(Instant::compareTo))
          .thenComparing(StoredMessage::createdAt, Comparator.nullsFirst(Instant::compareTo))
          .thenComparing(m -> folderOf(m.providerMessageId()))
          .thenComparingLong(m -> positionOf(m.providerMessageId()))
          .thenComparing(StoredMessage::id);

  private ConversationOrder() {}

  private static Instant second(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS);
  }

  private static String folderOf(String providerMessageId) {
    int last = providerMessageId == null ? -1 : providerMessageId.lastIndexOf(':');
    return last < 0 ? "" : providerMessageId.substring(0, last);
  }

  private static long positionOf(String providerMessageId) {
    int last = providerMessageId == null ? -1 : providerMessageId.lastIndexOf(':');
    if (last < 0) {
      return 0;
    }
    try {
      return Long.parseLong(providerMessageId.substring(last + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
