package dev.mailroom.model.envelope;

/** A record that can never be decoded, however often it is retried. */
public class MalformedEnvelopeException extends IllegalArgumentException {
  public MalformedEnvelopeException(String message, Throwable cause) {
    super(message, cause);
  }
}
