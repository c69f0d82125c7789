package dev.mailroom.gateway.admin;

import dev.mailroom.gateway.admin.AdminRequests.CreateHostedMailbox;
import dev.mailroom.gateway.admin.AdminRequests.CreateImapMailbox;
import dev.mailroom.gateway.admin.AdminRequests.CreateMailbox;
import dev.mailroom.gateway.admin.AdminRequests.ServerEndpoint;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.store.mailbox.HostedSettings;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.ProviderSettings;
import java.util.List;

/**
 * What a connect request stores, whatever its provider: the one place where each request shape
 * becomes a provider kind, its stored settings and the secret to encrypt.
 *
 * @param secret the login's secret to encrypt; null for a hosted mailbox, which has none
 * @param mailServers the hosts the workers will connect to, which the gateway checks first
 */
record NewMailbox(
    ProviderKind provider, ProviderSettings settings, String secret, List<MailServer> mailServers) {

  @Override
  public String toString() {
    return "NewMailbox[" + provider + ", " + settings + "]";
  }

  /** A host given in a request, with the request field it came from for error messages. */
  record MailServer(String field, String host) {}

  /** {@code address} is the request's, as stored: in lower case. */
  static NewMailbox of(CreateMailbox request, String address) {
    // One branch per permitted request record (no pattern switch on Java 17).
    if (request instanceof CreateImapMailbox imap) {
      return new NewMailbox(
          ProviderKind.IMAP,
          new ImapSmtpSettings(
              endpoint(imap.imap()),
              endpoint(imap.smtp()),
              imap.username() == null ? address : imap.username()),
          imap.password(),
          List.of(
              new MailServer("imap.host", imap.imap().host()),
              new MailServer("smtp.host", imap.smtp().host())));
    }
    if (request instanceof CreateHostedMailbox) {
      return new NewMailbox(
          ProviderKind.HOSTED,
          new HostedSettings(address.substring(address.lastIndexOf('@') + 1)),
          null,
          List.of());
    }
    throw new IllegalStateException("No mapping for " + request.getClass().getSimpleName());
  }

  /** TLS unless plain text is asked for by name. */
  private static dev.mailroom.store.mailbox.ServerEndpoint endpoint(ServerEndpoint requested) {
    return new dev.mailroom.store.mailbox.ServerEndpoint(
        requested.host(),
        requested.port(),
        requested.security() == null ? "tls" : requested.security());
  }
}
