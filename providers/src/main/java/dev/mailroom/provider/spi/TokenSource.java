package dev.mailroom.provider.spi;

import java.time.Instant;

/**
 * Where an adapter gets a currently valid OAuth access token for one mailbox. Refreshing one that
 * has expired is the provider adapter's concern, since only it knows its token endpoint.
 */
public interface TokenSource {

  /** An access token that is valid now; AuthRevoked when the grant itself is gone. */
  AccessToken current() throws ProviderException;

  /**
   * @param expiresAt when the provider stops accepting the token; null when it did not say
   */
  record AccessToken(String value, Instant expiresAt) {
    @Override
    public String toString() {
      return "AccessToken[expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * The token as stored with the mailbox, handed out unchanged: enough until an adapter that can
   * refresh wraps it.
   */
  record Stored(AccessToken token) implements TokenSource {
    @Override
    public AccessToken current() {
      return token;
    }
  }
}
