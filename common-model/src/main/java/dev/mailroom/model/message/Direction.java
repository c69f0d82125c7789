package dev.mailroom.model.message;

public enum Direction {
  INBOUND,
  OUTBOUND
}
