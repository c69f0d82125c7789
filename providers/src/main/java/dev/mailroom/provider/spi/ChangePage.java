package dev.mailroom.provider.spi;

import java.util.List;

/**
 * What changed in a mailbox since a cursor, one budget's worth at a time. A worker applies a page
 * and only then stores {@link #next}: a worker killed half-way asks again from the old cursor and
 * recognises what it had already stored by reference.
 *
 * @param places every place the mailbox has now, with counters for display
 * @param added messages to fetch and store, at most the budget asked for
 * @param changed messages whose flags or labels may have changed; the worker compares with what it
 *     stored, so a provider may list unchanged ones too
 * @param removed messages gone from where they were filed
 * @param retired scopes the provider will hand out no references under any more (IMAP: a folder
 *     renumbered under a new UIDVALIDITY, once all its messages were listed again): whatever is
 *     still stored under one was not found again and is gone
 * @param more whether more changes wait beyond this page; ask again with {@link #next}
 */
public record ChangePage(
    List<PlaceStatus> places,
    List<Added> added,
    List<Changed> changed,
    List<Removed> removed,
    List<String> retired,
    SyncCursor next,
    boolean more) {

  public ChangePage {
    places = List.copyOf(places);
    added = List.copyOf(added);
    changed = List.copyOf(changed);
    removed = List.copyOf(removed);
    retired = List.copyOf(retired);
  }

  /**
   * A message the cursor did not know. Its flags come with the fetch, the freshest view of them.
   *
   * @param arrived whether it arrived after the cursor was taken, as opposed to being found by a
   *     first listing (a backfill, a new or renumbered place): only arrivals can be news
   * @param formerScope set when the provider invalidated the references the worker stored (IMAP:
   *     UIDVALIDITY changed): the message may be one stored under that scope, to be matched by
   *     Message-ID instead of added again; null otherwise
   */
  public record Added(ProviderRef ref, Place place, boolean arrived, String formerScope) {}

  /** The flags or labels a known message has now. */
  public record Changed(ProviderRef ref, Place place, MessageFlags flags) {}

  /** A known message that is no longer where it was. */
  public record Removed(ProviderRef ref, Place place) {}
}
