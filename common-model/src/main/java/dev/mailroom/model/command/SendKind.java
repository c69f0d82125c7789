package dev.mailroom.model.command;

public enum SendKind {
  NEW,
  REPLY,
  REPLY_ALL,
  FORWARD
}
