package dev.mailroom.provider.hosted;

import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.provider.spi.ProviderException;
import java.util.List;
import java.util.Optional;

/**
 * The way hosted mail leaves, chosen per deployment (ADR 29): an SMTP relay or the SES API. Both
 * take the raw message as composed, so what a recipient gets does not depend on the choice.
 */
public interface HostedOutbound {

  /**
   * As {@link MailProvider#submit(MailboxAccess, byte[], List, String)}: the id the way out gave
   * the message, where it gives one.
   */
  Optional<String> submit(
      MailboxAccess access, byte[] raw, List<String> recipients, String returnPath)
      throws ProviderException;

  /**
   * Through the SMTP relay the access names as its outgoing server, with the SMTP adapter's
   * submission and its error table.
   */
  static HostedOutbound relay(MailProvider smtp) {
    return (access, raw, recipients, returnPath) -> {
      if (!(access instanceof PasswordAccess relay) || relay.outgoing() == null) {
        throw new ProviderException.Permanent(
            "No relay for hosted mailboxes is configured (mailroom.hosted.relay.host)", null);
      }
      return smtp.submit(access, raw, recipients, returnPath);
    };
  }
}
