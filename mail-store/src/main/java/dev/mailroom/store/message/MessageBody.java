package dev.mailroom.store.message;

/** A message's body as stored: HTML when the message has one, else plain text; NONE without. */
public record MessageBody(String content, String type) {
  public static final MessageBody NONE = new MessageBody(null, null);
}
