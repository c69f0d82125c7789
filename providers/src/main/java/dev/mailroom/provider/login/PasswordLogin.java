package dev.mailroom.provider.login;

/**
 * A mailbox to log in to with a username and password: IMAP for reading, SMTP for submission.
 *
 * @param security of each server: {@code none}, {@code starttls} or {@code tls}
 */
public record PasswordLogin(
    String address, String username, String password, Server imap, Server smtp) {

  public record Server(String host, int port, String security) {}

  @Override
  public String toString() {
    return "PasswordLogin[" + address + "]";
  }
}
