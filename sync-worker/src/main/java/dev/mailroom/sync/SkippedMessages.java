package dev.mailroom.sync;

import dev.mailroom.store.mailbox.SkippedMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The messages of one mailbox that sync has set aside, during one sync command. A message that
 * cannot be fetched or stored is skipped rather than failing its batch, so the rest of the mailbox
 * keeps syncing; it is tried again by reference after {@link #FIRST_RETRY}, four times longer after
 * each further failure, at most {@link #LONGEST_WAIT} apart, for as long as the provider has it.
 */
final class SkippedMessages {
  static final Duration FIRST_RETRY = Duration.ofMinutes(5);
  static final Duration LONGEST_WAIT = Duration.ofHours(24);

  /** Kept in the mailbox's record, so bounded; past this many, the oldest are dropped. */
  static final int MAX_KEPT = 500;

  private final Map<String, SkippedMessage> byProviderId = new LinkedHashMap<>();

  SkippedMessages(List<SkippedMessage> previous) {
    previous.forEach(m -> byProviderId.put(m.providerMessageId(), m));
  }

  /** Set aside and not yet due for another try: left out of this pass. */
  boolean isWaiting(String providerMessageId, Instant now) {
    SkippedMessage skipped = byProviderId.get(providerMessageId);
    return skipped != null && skipped.nextAttemptAt().isAfter(now);
  }

  /** Set aside and due for another try. */
  List<SkippedMessage> due(Instant now) {
    return byProviderId.values().stream().filter(m -> !m.nextAttemptAt().isAfter(now)).toList();
  }

  void failed(
      String providerMessageId, String folder, String error, boolean announce, Instant now) {
    SkippedMessage before = byProviderId.remove(providerMessageId);
    int attempts = before == null ? 1 : before.attempts() + 1;
    byProviderId.put(
        providerMessageId,
        new SkippedMessage(
            providerMessageId,
            folder,
            attempts,
            error,
            before == null ? now : before.firstFailedAt(),
            now,
            now.plus(waitAfter(attempts)),
            announce || (before != null && before.announce())));
    while (byProviderId.size() > MAX_KEPT) {
      byProviderId.remove(byProviderId.keySet().iterator().next());
    }
  }

  SkippedMessage get(String providerMessageId) {
    return byProviderId.get(providerMessageId);
  }

  /** The message is stored at last; returns what was known of it, or null if it was not skipped. */
  SkippedMessage stored(String providerMessageId) {
    return byProviderId.remove(providerMessageId);
  }

  /** Forgets what was set aside under a scope the provider invalidated (a renumbered folder). */
  void forgetScope(String scope) {
    byProviderId.values().removeIf(m -> m.providerMessageId().startsWith(scope));
  }

  /** Forgets the skipped messages of folders that no longer exist. */
  void retainFolders(Set<String> folders) {
    byProviderId.values().removeIf(m -> !folders.contains(m.folder()));
  }

  List<SkippedMessage> list() {
    return List.copyOf(byProviderId.values());
  }

  static Duration waitAfter(int attempts) {
    Duration wait = FIRST_RETRY;
    for (int i = 1; i < attempts && wait.compareTo(LONGEST_WAIT) < 0; i++) {
      wait = wait.multipliedBy(4);
    }
    return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
  }
}
