package dev.mailroom.model.command;

public enum SyncTrigger {
  ON_DEMAND,
  SCHEDULED,
  PUSH,
  /** The rest of a sync that reached its per-command limit. */
  CONTINUATION
}
