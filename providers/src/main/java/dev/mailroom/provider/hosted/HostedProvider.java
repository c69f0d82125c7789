package dev.mailroom.provider.hosted;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.ChangeWatch;
import dev.mailroom.provider.spi.FetchedBatch;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Mailboxes Mailroom hosts (ADR 27): Mailroom is their mail server, so the store is the mailbox.
 * Their mail arrives through Mailroom's own receiver, not through a session, so a session has
 * nothing to list or fetch, and a change (read, labels, trash) has nowhere else to go. Sending goes
 * out the deployment's way ({@link HostedOutbound}): an SMTP relay or SES.
 */
public final class HostedProvider implements MailProvider {
  private final HostedOutbound outbound;

  public HostedProvider(HostedOutbound outbound) {
    this.outbound = outbound;
  }

  @Override
  public ProviderKind kind() {
    return ProviderKind.HOSTED;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.READ, Capability.SEND, Capability.LABELS);
  }

  @Override
  public MailboxSession open(MailboxAccess access) {
    return new StoreIsTheMailbox();
  }

  @Override
  public Optional<String> submit(
      MailboxAccess access, byte[] raw, List<String> recipients, String returnPath)
      throws ProviderException {
    return outbound.submit(access, raw, recipients, returnPath);
  }

  @Override
  public ChangeWatch watch(MailboxAccess access, ChangeWatch.Listener listener)
      throws ProviderException {
    throw new ProviderException.Permanent(
        "A hosted mailbox is not watched: its mail is stored as it arrives", null);
  }

  @Override
  public void close() {
    // The way out is closed by whoever made it.
  }

  /** A session of a mailbox whose only copy is Mailroom's store. */
  private static final class StoreIsTheMailbox implements MailboxSession {
    @Override
    public ChangePage changes(SyncCursor cursor, int budget) {
      return new ChangePage(List.of(), List.of(), List.of(), List.of(), List.of(), cursor, false);
    }

    @Override
    public FetchedBatch fetch(List<ProviderRef> refs, long maxBytes) {
      return new FetchedBatch(List.of(), List.of());
    }

    @Override
    public void setSeen(ProviderRef ref, boolean seen) {
      // Recorded in the store, which is the mailbox.
    }

    @Override
    public void setLabels(ProviderRef ref, List<String> add, List<String> remove) {
      // Recorded in the store, which is the mailbox.
    }

    @Override
    public Optional<ProviderRef> moveToTrash(ProviderRef ref) {
      return Optional.empty(); // the message keeps its reference; the store labels it TRASH
    }

    @Override
    public Optional<ProviderRef> findSent(String rfcMessageId) {
      return Optional.empty(); // a relay keeps no copy to ask
    }

    @Override
    public void appendToSent(byte[] raw) {
      // The sent message's record is its copy.
    }

    @Override
    public void close() {
      // Nothing held.
    }
  }
}
