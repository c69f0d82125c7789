package dev.mailroom.provider.spi;

/**
 * A mailbox reached through a provider's API with an OAuth access token. The token is asked for at
 * each use rather than held here, because it expires within the hour while an operation (a long
 * sync) may outlive it.
 */
public record OAuthAccess(String address, TokenSource tokens) implements MailboxAccess {

  @Override
  public String toString() {
    return "OAuthAccess[" + address + "]";
  }
}
