package dev.mailroom.provider.spi;

import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A folder as incremental sync needs it: every UID still there (so expunges show), and the flags of
 * the messages that may have changed. When the provider keeps a modification sequence (IMAP
 * CONDSTORE) and the caller knows one, {@code flags} holds only messages changed after it;
 * otherwise it holds every message's flags and {@code onlyChanged} is false.
 */
public record FolderChanges(
    String folder,
    long uidValidity,
    SortedSet<Long> uids,
    Map<Long, MessageFlags> flags,
    boolean onlyChanged) {

  /** A full listing seen as changes: every message may have changed. */
  public static FolderChanges everything(FolderContents contents) {
    SortedMap<Long, MessageFlags> messages = contents.messages();
    return new FolderChanges(
        contents.folder(),
        contents.uidValidity(),
        new TreeSet<>(messages.keySet()),
        messages,
        false);
  }
}
