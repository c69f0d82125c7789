package dev.mailroom.store.mailbox;

import java.time.Instant;
import java.util.List;

/**
 * What a user sees of a mailbox's sync: where it is, how far, and the last thing that failed.
 * {@code backfilled} turns true after the first complete pass; only mail found after that is
 * announced as new.
 */
public record SyncState(
    String state,
    boolean backfilled,
    List<FolderSyncState> folders,
    long messagesDone,
    long messagesTotal,
    Instant lastSuccessAt,
    Instant lastErrorAt,
    String lastError) {

  public static SyncState never() {
    return new SyncState("never", false, List.of(), 0, 0, null, null, null);
  }
}
