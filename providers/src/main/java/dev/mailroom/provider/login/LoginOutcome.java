package dev.mailroom.provider.login;

/**
 * What a login check found.
 *
 * @param protocol {@code imap} or {@code smtp}: the one that failed, or null when both logged in
 * @param detail the server's or the network's words, for the operator; null when accepted
 */
public record LoginOutcome(Result result, String protocol, String detail) {

  public enum Result {
    /** Both servers accepted the login. */
    ACCEPTED,
    /** A server refused the credentials, or refused them for good (e.g. STARTTLS missing). */
    REFUSED,
    /** A server could not be reached or answered with something that may pass. */
    UNREACHABLE,
    /** A server did not answer within the timeout. */
    TIMED_OUT
  }

  public static LoginOutcome ok() {
    return new LoginOutcome(Result.ACCEPTED, null, null);
  }

  public boolean isAccepted() {
    return result == Result.ACCEPTED;
  }
}
