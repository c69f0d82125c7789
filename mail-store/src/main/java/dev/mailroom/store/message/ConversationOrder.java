package dev.mailroom.store.message;

import java.time.Instant;
import java.util.Comparator;

/**
 * The order of a conversation's messages: by arrival, oldest first. IMAP gives arrival times in
 * whole seconds, so two messages that arrived in the same second are told apart by the order the
 * provider keeps them in: within one folder a later UID arrived later ({@code folder:validity:uid}
 * ids sharing a prefix compare by UID). Only then by Date header, and last by id, so that the order
 * is the same on every read.
 */
public final class ConversationOrder {
  public static final Comparator<StoredMessage> OLDEST_FIRST =
      Comparator.comparing(StoredMessage::receivedAt, Comparator.nullsFirst(Instant::compareTo))
          .thenComparing(ConversationOrder::byProviderPosition)
          .thenComparing(StoredMessage::sentAt, Comparator.nullsFirst(Instant::compareTo))
          .thenComparing(StoredMessage::id);

  private ConversationOrder() {}

  private static int byProviderPosition(StoredMessage a, StoredMessage b) {
    Long x = position(a.providerMessageId());
    Long y = position(b.providerMessageId());
    if (x == null
        || y == null
        || !prefix(a.providerMessageId()).equals(prefix(b.providerMessageId()))) {
      return 0;
    }
    return Long.compare(x, y);
  }

  private static String prefix(String providerMessageId) {
    int last = providerMessageId == null ? -1 : providerMessageId.lastIndexOf(':');
    return last < 0 ? "" : providerMessageId.substring(0, last);
  }

  private static Long position(String providerMessageId) {
    int last = providerMessageId == null ? -1 : providerMessageId.lastIndexOf(':');
    if (last < 0) {
      return null;
    }
    try {
      return Long.parseLong(providerMessageId.substring(last + 1));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
