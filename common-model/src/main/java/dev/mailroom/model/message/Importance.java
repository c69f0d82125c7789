package dev.mailroom.model.message;

public enum Importance {
  LOW,
  NORMAL,
  HIGH
}
