package dev.mailroom.model.command;

public enum SyncTrigger {
  ON_DEMAND,
  SCHEDULED,
  PUSH,
  /** The first sync of a mailbox, queued as it is connected. */
  CONNECTED,
  /** The rest of a sync that reached its per-command limit. */
  CONTINUATION
}
