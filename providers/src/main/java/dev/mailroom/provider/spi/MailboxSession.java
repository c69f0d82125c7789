package dev.mailroom.provider.spi;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An open connection to one mailbox; close it when the operation is done. Messages are addressed by
 * the {@link ProviderRef} the adapter handed out. A reference the adapter cannot act on (another
 * provider's, or a record not at the provider yet) fails as {@link ProviderException.Permanent}; a
 * message that is gone, or whose reference was invalidated (IMAP: folder renumbered), fails as
 * {@link ProviderException.NotFound}.
 */
public interface MailboxSession extends AutoCloseable {

  /**
   * What changed since {@code cursor}, with at most {@code budget} messages added; see {@link
   * ChangePage}. From {@link SyncCursor#BEGINNING}, or from a cursor the provider can no longer
   * follow, every message is listed as added and none as arrived.
   */
  ChangePage changes(SyncCursor cursor, int budget) throws ProviderException;

  /**
   * A cursor that counts these stored messages as already handed out, for a mailbox whose own
   * cursor is missing (kept by a version that had none, or lost): changes from it report stored
   * messages gone from the provider as removed, and only mail newer than them as arrived.
   * References that are not this provider's are ignored. The beginning where a provider cannot
   * tell, which costs a full listing and announces nothing that arrived meanwhile.
   */
  default SyncCursor cursorFor(Collection<ProviderRef> stored) {
    return SyncCursor.BEGINNING;
  }

  /** Raw messages, without marking them read; messages that no longer exist are left out. */
  default List<FetchedMessage> fetch(List<ProviderRef> refs) throws ProviderException {
    return fetch(refs, Long.MAX_VALUE).messages();
  }

  /**
   * Raw messages, as {@link #fetch(List)}, in the order asked for until their sizes add up to
   * {@code maxBytes}: at least one is fetched whatever its size, and the rest are handed back as
   * deferred. This bounds what one batch of a sync holds, whatever the messages weigh.
   */
  FetchedBatch fetch(List<ProviderRef> refs, long maxBytes) throws ProviderException;

  void setSeen(ProviderRef ref, boolean seen) throws ProviderException;

  /** Adds and removes user labels (IMAP keywords, Gmail labels, Graph categories). */
  void setLabels(ProviderRef ref, List<String> add, List<String> remove) throws ProviderException;

  /**
   * Soft delete: into Trash, created if the mailbox has none, so the message can be recovered.
   * Returns the message's reference there when the provider says (with {@link Capability#FOLDERS} a
   * move changes it), else empty.
   */
  Optional<ProviderRef> moveToTrash(ProviderRef ref) throws ProviderException;

  /** The sent copy with this Message-ID (without angle brackets), if the mailbox has one. */
  Optional<ProviderRef> findSent(String rfcMessageId) throws ProviderException;

  /** Keeps a copy of a message this mailbox sent, for providers that do not do it themselves. */
  void appendToSent(byte[] raw) throws ProviderException;

  @Override
  void close();
}
