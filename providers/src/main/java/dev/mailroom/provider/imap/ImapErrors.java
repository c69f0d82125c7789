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
