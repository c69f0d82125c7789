package dev.mailroom.provider.spi;

import dev.mailroom.model.message.ProviderKind;
import java.util.List;
import java.util.Set;

/** One adapter per provider (IMAP/SMTP, Gmail, Graph, SES); workers pick one by kind. */
public interface MailProvider extends AutoCloseable {
  ProviderKind kind();

  Set<Capability> capabilities();

  MailboxSession open(MailboxAccess access) throws ProviderException;

  /**
   * Submits raw RFC 822 bytes for delivery to {@code recipients} (the envelope: To, Cc and Bcc).
   * Returns once the provider has accepted the message.
   */
  void submit(MailboxAccess access, byte[] raw, List<String> recipients) throws ProviderException;

  /**
   * Starts watching a mailbox for changes; only for adapters with {@link
   * Capability#PUSH_NOTIFICATIONS}. Fails at once if the mailbox cannot be reached.
   */
  default ChangeWatch watch(MailboxAccess access, ChangeWatch.Listener listener)
      throws ProviderException {
    throw new ProviderException.Permanent(kind() + " has no push notifications", null);
  }

  /** Releases what the adapter holds across calls (push connections, pools). */
  @Override
  default void close() {}
}
