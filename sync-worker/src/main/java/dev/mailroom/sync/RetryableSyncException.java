package dev.mailroom.sync;

/** The provider may answer next time: let the listener's back-off retry, then dead-letter. */
class RetryableSyncException extends RuntimeException {
  RetryableSyncException(String message, Throwable cause) {
    super(message, cause);
  }
}
