package dev.mailroom.model.envelope;

/**
 * A worker received a command it does not handle (yet). Not retryable: it goes to the dead-letter
 * topic, where it is kept rather than lost, and can be replayed once a handler exists.
 */
public class UnsupportedCommandException extends RuntimeException {
  public UnsupportedCommandException(String type) {
    super("No handler for " + type);
  }
}
