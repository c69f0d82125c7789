package dev.mailroom.provider.spi;

import java.time.Duration;

/**
 * Every provider failure is one of six kinds, decided once by the adapter's error table, so workers
 * never inspect provider-specific codes. A transient network failure is never reported as an auth
 * failure.
 */
public abstract sealed class ProviderException extends Exception
    permits ProviderException.Transient,
        ProviderException.RateLimited,
        ProviderException.AuthRevoked,
        ProviderException.NotFound,
        ProviderException.Permanent,
        ProviderException.Unconfirmed {

  private ProviderException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Retrying later may succeed (network, timeout, 5xx). */
  public static final class Transient extends ProviderException {
    public Transient(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The provider asked us to slow down; never retry before {@code retryAfter}. */
  public static final class RateLimited extends ProviderException {
    private final Duration retryAfter;

    public RateLimited(String message, Duration retryAfter, Throwable cause) {
      super(message, cause);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** Credentials were refused or revoked; a person must reconnect the mailbox. */
  public static final class AuthRevoked extends ProviderException {
    public AuthRevoked(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The message, folder or mailbox does not exist at the provider. */
  public static final class NotFound extends ProviderException {
    public NotFound(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Retrying cannot help (rejected recipient, message too large, unsupported operation). */
  public static final class Permanent extends ProviderException {
    public Permanent(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The connection failed after the whole request was handed over and before the provider answered
   * (SMTP: during or after the message data): it may have taken effect. Retrying may do it twice;
   * the caller decides by its own policy.
   */
  public static final class Unconfirmed extends ProviderException {
    public Unconfirmed(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
