package dev.mailroom.provider.login;

import dev.mailroom.provider.imap.ImapProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.provider.spi.ProviderException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Logs in to a mailbox's IMAP and SMTP servers once, through the IMAP adapter the workers use, so
 * that the gateway and the workers agree on what a refused login is. Blocking; every connect and
 * read is bounded by the timeout given.
 */
public final class MailLoginCheck {
  private final Duration timeout;

  public MailLoginCheck(Duration timeout) {
    this.timeout = timeout;
  }

  public LoginOutcome check(PasswordLogin login) {
    MailboxAccess access =
        new PasswordAccess(
            login.address(),
            login.username(),
            login.password(),
            endpoint(login.imap()),
            endpoint(login.smtp()));
    // A new adapter per check: it keeps no connection, and nothing is shared with other checks.
    try (ImapProvider provider = new ImapProvider(timeout)) {
      provider.checkLogin(access);
      return LoginOutcome.ok();
    } catch (ProviderException e) {
      return outcome(e);
    }
  }

  private static LoginOutcome outcome(ProviderException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String protocol = message.startsWith("SMTP") ? "smtp" : "imap";
    if (e instanceof ProviderException.AuthRevoked || e instanceof ProviderException.Permanent) {
      return new LoginOutcome(LoginOutcome.Result.REFUSED, protocol, message);
    }
    if (timedOut(e)) {
      return new LoginOutcome(LoginOutcome.Result.TIMED_OUT, protocol, message);
    }
    return new LoginOutcome(LoginOutcome.Result.UNREACHABLE, protocol, message);
  }

  private static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = nextCause(t)) {
      if (t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static Throwable nextCause(Throwable t) {
    Throwable next =
        t instanceof jakarta.mail.MessagingException me && me.getNextException() != null
            ? me.getNextException()
            : t.getCause();
    return next == t ? null : next;
  }

  private static MailboxAccess.Endpoint endpoint(PasswordLogin.Server server) {
    return new MailboxAccess.Endpoint(server.host(), server.port(), server.security());
  }
}
