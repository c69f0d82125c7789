package dev.mailroom.model.command;

public enum SyncMode {
  /** Continue from the stored cursor. */
  INCREMENTAL,
  /** Re-read everything; never re-announces known mail as new. */
  FULL
}
