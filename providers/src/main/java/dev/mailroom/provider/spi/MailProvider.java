package dev.mailroom.provider.spi;

import dev.mailroom.model.message.ProviderKind;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One adapter per provider (IMAP/SMTP, Gmail, Graph, SES); workers pick one by kind. */
public interface MailProvider extends AutoCloseable {
  ProviderKind kind();

  Set<Capability> capabilities();

  MailboxSession open(MailboxAccess access) throws ProviderException;

  /**
   * Like {@link #open}, for a short operation in a burst (a send's Sent copy): the adapter may
   * serve it over a connection kept from the mailbox's previous one instead of logging in again.
   * Syncs use {@link #open}, which always starts from a fresh connection.
   */
  default MailboxSession openPooled(MailboxAccess access) throws ProviderException {
    return open(access);
  }

  /**
   * Submits raw RFC 822 bytes for delivery to {@code recipients} (the envelope: To, Cc and Bcc).
   * Returns once the provider has accepted the message, with the id the provider gave it where it
   * gives one (SES's message id, which its delivery notifications name), else empty.
   */
  default Optional<String> submit(MailboxAccess access, byte[] raw, List<String> recipients)
      throws ProviderException {
    return submit(access, raw, recipients, null);
  }

  /**
   * As {@link #submit(MailboxAccess, byte[], List)}, with {@code returnPath} as the envelope sender
   * (SMTP {@code MAIL FROM}), where delivery status notifications go; null keeps the mailbox's own
   * address. An adapter whose provider chooses the envelope sender itself ignores it.
   */
  Optional<String> submit(
      MailboxAccess access, byte[] raw, List<String> recipients, String returnPath)
      throws ProviderException;

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
