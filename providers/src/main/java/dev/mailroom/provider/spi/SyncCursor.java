package dev.mailroom.provider.spi;

/**
 * Where a mailbox's change feed stands, owned by the provider: workers store it and hand it back
 * unread (IMAP: per-folder counters and known UIDs; Gmail: a history id; Graph: delta links). The
 * {@link #BEGINNING} asks for everything there is.
 */
public record SyncCursor(String value) {
  public static final SyncCursor BEGINNING = new SyncCursor(null);

  /** A stored cursor, or the beginning when none was stored yet. */
  public static SyncCursor of(String stored) {
    return stored == null || stored.isEmpty() ? BEGINNING : new SyncCursor(stored);
  }

  public boolean isBeginning() {
    return value == null || value.isEmpty();
  }
}
