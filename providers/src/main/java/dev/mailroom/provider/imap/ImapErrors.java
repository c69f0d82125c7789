package dev.mailroom.provider.imap;

import dev.mailroom.provider.spi.ProviderException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/**
 * The IMAP/SMTP error table: the one place where Jakarta Mail failures become our five kinds. The
 * order matters: only an explicit authentication refusal is an auth failure; anything that looks
 * like the network is transient.
 */
final class ImapErrors {
  private ImapErrors() {}

  static ProviderException map(String what, Exception e) {
    Throwable root = rootCause(e);
    if (e instanceof AuthenticationFailedException) {
      return new ProviderException.AuthRevoked(what + ": authentication refused", e);
    }
    if (e instanceof FolderNotFoundException) {
      return new ProviderException.NotFound(what + ": " + e.getMessage(), e);
    }
    if (root instanceof UnknownHostException
        || root instanceof ConnectException
        || root instanceof SocketTimeoutException
        || root instanceof SSLException
        || root instanceof IOException
        || e instanceof StoreClosedException) {
      return new ProviderException.Transient(what + ": " + root, e);
    }
    if (e instanceof MessagingException) {
      // Unknown server responses: assume the server may answer differently next time.
      return new ProviderException.Transient(what + ": " + e.getMessage(), e);
    }
    return new ProviderException.Permanent(what + ": " + e, e);
  }

  /**
   * SMTP replies: 4xx is transient (452 and 4.7.x "try later" are rate limits), 5xx permanent; 535
   * and 530 are refused credentials.
   */
  static ProviderException mapSmtp(String what, Exception e) {
    if (e instanceof AuthenticationFailedException) {
      return new ProviderException.AuthRevoked(what + ": authentication refused", e);
    }
    int code = replyCode(e);
    String text = what + ": " + e.getMessage();
    if (code == 535 || code == 530) {
      return new ProviderException.AuthRevoked(text, e);
    }
    if (code == 452
        || code == 421
        || (code >= 400 && code < 500 && String.valueOf(e.getMessage()).contains("4.7."))) {
      return new ProviderException.RateLimited(text, java.time.Duration.ofMinutes(1), e);
    }
    if (code >= 500) {
      return new ProviderException.Permanent(text, e);
    }
    if (code >= 400) {
      return new ProviderException.Transient(text, e);
    }
    return map(what, e);
  }

  private static int replyCode(Throwable e) {
    for (Throwable t = e;
        t != null;
        t =
            t instanceof MessagingException me && me.getNextException() != null
                ? me.getNextException()
                : t.getCause()) {
      if (t instanceof org.eclipse.angus.mail.smtp.SMTPSendFailedException failed) {
        return failed.getReturnCode();
      }
      if (t instanceof org.eclipse.angus.mail.smtp.SMTPAddressFailedException failed) {
        return failed.getReturnCode();
      }
      if (t == t.getCause()) {
        break;
      }
    }
    return -1;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable current = e;
    while (true) {
      Throwable next =
          current instanceof MessagingException me && me.getNextException() != null
              ? me.getNextException()
              : current.getCause();
      if (next == null || next == current) {
        return current;
      }
      current = next;
    }
  }
}
