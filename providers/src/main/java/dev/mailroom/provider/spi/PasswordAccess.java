package dev.mailroom.provider.spi;

/**
 * A mailbox reached by logging in with a username and password: IMAP for reading, SMTP for
 * submission.
 */
public record PasswordAccess(
    String address, String username, String secret, Endpoint incoming, Endpoint outgoing)
    implements MailboxAccess {

  @Override
  public String toString() {
    return "PasswordAccess[" + address + "]";
  }
}
