package dev.mailroom.model.envelope;

/** A record whose CloudEvents type this build does not know; not retryable. */
public class UnknownPayloadTypeException extends IllegalArgumentException {
  public UnknownPayloadTypeException(String typeName) {
    super("Unknown CloudEvents type: " + typeName);
  }
}
