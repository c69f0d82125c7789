package dev.mailroom.store.mailbox;

import java.time.Instant;

/**
 * A message the provider lists but that sync could not fetch or store. It is set aside so that one
 * bad message cannot stop the rest of its mailbox, shown in the mailbox's sync state, and tried
 * again at {@code nextAttemptAt}, later after each failure.
 *
 * @param providerMessageId where the provider keeps it (IMAP: {@code folder:uidvalidity:uid})
 * @param folder the folder it is in, for people reading the sync state
 * @param announce whether it was new mail when first seen, so that it is announced as received once
 *     it can be stored
 */
public record SkippedMessage(
    String providerMessageId,
    String folder,
    int attempts,
    String lastError,
    Instant firstFailedAt,
    Instant lastFailedAt,
    Instant nextAttemptAt,
    boolean announce) {}
