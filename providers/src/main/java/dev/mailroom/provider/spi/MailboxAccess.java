package dev.mailroom.provider.spi;

/**
 * Everything an adapter needs to reach one mailbox, with its credential already usable. Built by a
 * worker for the duration of one operation; never persisted or logged. Sealed because each kind of
 * credential needs its own connection code: an adapter accepts the kinds it can use and refuses the
 * others as {@link ProviderException.Permanent}.
 */
public sealed interface MailboxAccess permits PasswordAccess, OAuthAccess {
  String address();

  /**
   * A server's address.
   *
   * @param security one of {@code none}, {@code starttls}, {@code tls}
   */
  record Endpoint(String host, int port, String security) {}
}
