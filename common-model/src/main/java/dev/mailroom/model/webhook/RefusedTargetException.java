package dev.mailroom.model.webhook;

/** A webhook target the dispatcher will not connect to. */
public class RefusedTargetException extends Exception {
  public RefusedTargetException(String message) {
    super(message);
  }
}
