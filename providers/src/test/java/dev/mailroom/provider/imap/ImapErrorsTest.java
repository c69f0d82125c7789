package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.provider.spi.ProviderException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import jakarta.mail.internet.InternetAddress;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/**
 * The error table, for the failures the test servers cannot be made to produce: rate limits, SMTP
 * refusals, and the line between a network fault and refused credentials.
 */
class ImapErrorsTest {

  private static MessagingException smtp(int code, String text) {
    return new SMTPSendFailedException("DATA", code, code + " " + text, null, null, null, null);
  }

  @Test
  void onlyAnExplicitRefusalIsAnAuthFailure() {
    assertThat(ImapErrors.map("login", new AuthenticationFailedException("NO [AUTH]")))
        .isInstanceOf(ProviderException.AuthRevoked.class);
    assertThat(ImapErrors.mapSmtp("submit", smtp(535, "5.7.8 bad credentials")))
        .isInstanceOf(ProviderException.AuthRevoked.class);
    assertThat(ImapErrors.mapSmtp("submit", smtp(530, "5.7.0 authentication required")))
        .isInstanceOf(ProviderException.AuthRevoked.class);
  }

  @Test
  void theNetworkIsTransient() {
    assertThat(ImapErrors.map("connect", new MessagingException("x", new ConnectException())))
        .isInstanceOf(ProviderException.Transient.class);
    assertThat(ImapErrors.map("read", new MessagingException("x", new SocketTimeoutException())))
        .isInstanceOf(ProviderException.Transient.class);
    assertThat(ImapErrors.map("fetch", new StoreClosedException(null, "BYE")))
        .isInstanceOf(ProviderException.Transient.class);
    assertThat(ImapErrors.map("fetch", new MessagingException("NO server busy")))
        .as("an unknown server answer may differ next time")
        .isInstanceOf(ProviderException.Transient.class);
  }

  @Test
  void aMissingFolderIsNotFound() {
    assertThat(ImapErrors.map("select", new FolderNotFoundException()))
        .isInstanceOf(ProviderException.NotFound.class);
  }

  @Test
  void aFaultThatIsNoMailFailureIsPermanent() {
    assertThat(ImapErrors.map("parse", new IllegalStateException("bug")))
        .isInstanceOf(ProviderException.Permanent.class);
  }

  @Test
  void smtpTryLaterRepliesAreRateLimitsWithARetryAfter() {
    for (MessagingException reply :
        new MessagingException[] {
          smtp(452, "4.5.3 too many recipients"),
          smtp(421, "4.7.0 try again later"),
          smtp(451, "4.7.1 rate limited")
        }) {
      ProviderException mapped = ImapErrors.mapSmtp("submit", reply);
      assertThat(mapped).as(reply.getMessage()).isInstanceOf(ProviderException.RateLimited.class);
      assertThat(((ProviderException.RateLimited) mapped).retryAfter())
          .isEqualTo(Duration.ofMinutes(1));
    }
  }

  @Test
  void otherSmtpRepliesAreTransientOrPermanentByTheirClass() throws Exception {
    assertThat(ImapErrors.mapSmtp("submit", smtp(450, "4.2.0 mailbox busy")))
        .isInstanceOf(ProviderException.Transient.class);
    assertThat(ImapErrors.mapSmtp("submit", smtp(554, "5.6.0 message refused")))
        .isInstanceOf(ProviderException.Permanent.class);
    MessagingException rejected =
        new MessagingException(
            "Invalid Addresses",
            new SMTPAddressFailedException(
                new InternetAddress("nobody@example.com"), "RCPT", 550, "550 5.1.1 no such user"));
    assertThat(ImapErrors.mapSmtp("submit", rejected))
        .isInstanceOf(ProviderException.Permanent.class);
  }
}
