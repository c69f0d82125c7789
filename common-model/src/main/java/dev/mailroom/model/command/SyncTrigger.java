package dev.mailroom.model.command;

public enum SyncTrigger {
  ON_DEMAND,
  SCHEDULED,
  PUSH
}
