package dev.mailroom.send;

/**
 * The provider may accept the message later: let the listener's back-off retry, then dead-letter.
 */
class RetryableSendException extends RuntimeException {
  RetryableSendException(String message, Throwable cause) {
    super(message, cause);
  }
}
