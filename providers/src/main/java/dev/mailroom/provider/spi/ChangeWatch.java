package dev.mailroom.provider.spi;

/**
 * A provider telling us, as it happens, that a mailbox changed: IMAP IDLE on the INBOX, later
 * Gmail's watch and Graph's subscriptions. It says only that something changed; a sync finds out
 * what. Close it to stop watching.
 */
public interface ChangeWatch extends AutoCloseable {

  /** Called on the adapter's own threads; implementations must return quickly. */
  interface Listener {
    /** New mail, a flag change or an expunge; several may arrive together. */
    void changed();

    /**
     * The watch is over and will not call again: the connection dropped ({@link
     * ProviderException.Transient}) or the credentials were refused ({@link
     * ProviderException.AuthRevoked}).
     */
    void ended(ProviderException cause);
  }

  @Override
  void close();
}
