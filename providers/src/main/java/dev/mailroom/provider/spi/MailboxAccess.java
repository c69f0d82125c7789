package dev.mailroom.provider.spi;

/**
 * Everything an adapter needs to reach one mailbox, with the secret already decrypted. Built by a
 * worker for the duration of one operation; never persisted or logged.
 *
 * @param security one of {@code none}, {@code starttls}, {@code tls}
 */
public record MailboxAccess(
    String address, String username, String secret, Endpoint incoming, Endpoint outgoing) {

  public record Endpoint(String host, int port, String security) {}

  @Override
  public String toString() {
    return "MailboxAccess[" + address + "]";
  }
}
