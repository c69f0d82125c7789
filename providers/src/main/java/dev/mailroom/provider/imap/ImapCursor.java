package dev.mailroom.provider.imap;

import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The IMAP change feed's position: per folder, what the last pass saw. Without QRESYNC a server
 * cannot say which messages vanished, so the cursor keeps the UIDs already handed out, and an
 * expunge is a known UID no longer listed. One line per folder; a cursor written by another
 * version, or damaged, reads as the beginning, which costs a listing but loses nothing (the worker
 * recognises stored messages by reference).
 */
record ImapCursor(Map<String, FolderMark> folders) {
  private static final String VERSION = "imap1";

  /**
   * One folder's position.
   *
   * @param uidNext only messages from this UID on arrived after the cursor; 0 while the folder's
   *     first listing is not complete, so that nothing in it counts as arrived
   * @param highestModSeq 0 when the server has no CONDSTORE, or to force a full listing next time
   * @param messages the count the last complete listing saw, or {@link #INCOMPLETE}
   * @param formerValidity the UIDVALIDITY the folder had before it was renumbered, while its
   *     messages are being listed again under the new one; 0 otherwise
   * @param known UIDs already handed out, as an IMAP sequence set
   */
  record FolderMark(
      long uidValidity,
      long uidNext,
      long highestModSeq,
      int messages,
      long formerValidity,
      String known) {
    /** A folder listed only in part: never taken as unchanged, whatever its counters. */
    static final int INCOMPLETE = -1;

    /**
     * With CONDSTORE, a folder whose HIGHESTMODSEQ, UIDNEXT and count are what the last complete
     * pass saw has had no new mail, flag change or expunge (each raises HIGHESTMODSEQ), so it needs
     * no listing at all. Without CONDSTORE a flag change leaves no trace in the counters.
     */
    boolean unchanged(ImapFolderStatus now) {
      return highestModSeq > 0
          && formerValidity == 0
          && uidValidity == now.uidValidity()
          && highestModSeq == now.highestModSeq()
          && uidNext == now.uidNext()
          && messages == now.messages();
    }
  }

  /**
   * As if a pass had handed out exactly these messages. A folder stored under two numberings (a
   * renumbering not yet listed through) resumes from the one with more messages; the other is then
   * re-matched by Message-ID as after any renumbering.
   */
  static ImapCursor seenFrom(Collection<ProviderRef> stored) {
    Map<String, Map<Long, SortedSet<Long>>> byFolder = new TreeMap<>();
    for (ProviderRef ref : stored) {
      ImapRef imap = ImapRef.of(ref);
      if (imap != null) {
        byFolder
            .computeIfAbsent(imap.folder(), f -> new TreeMap<>())
            .computeIfAbsent(imap.uidValidity(), v -> new TreeSet<>())
            .add(imap.uid());
      }
    }
    Map<String, FolderMark> folders = new LinkedHashMap<>();
    byFolder.forEach(
        (folder, byValidity) -> {
          Map.Entry<Long, SortedSet<Long>> most =
              byValidity.entrySet().stream()
                  .max(Comparator.comparingInt(e -> e.getValue().size()))
                  .orElseThrow();
          SortedSet<Long> uids = most.getValue();
          folders.put(
              folder,
              new FolderMark(
                  most.getKey(),
                  uids.last() + 1,
                  0,
                  FolderMark.INCOMPLETE,
                  0,
                  UidSet.format(uids)));
        });
    return new ImapCursor(folders);
  }

  static ImapCursor read(SyncCursor cursor) {
    Map<String, FolderMark> folders = new LinkedHashMap<>();
    if (cursor.isBeginning()) {
      return new ImapCursor(folders);
    }
    String[] lines = cursor.value().split("\n");
    if (!lines[0].equals(VERSION)) {
      return new ImapCursor(folders);
    }
    try {
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].split(" ", -1);
        folders.put(
            URLDecoder.decode(f[0], StandardCharsets.UTF_8),
            new FolderMark(
                Long.parseLong(f[1]),
                Long.parseLong(f[2]),
                Long.parseLong(f[3]),
                Integer.parseInt(f[4]),
                Long.parseLong(f[5]),
                f[6]));
      }
    } catch (RuntimeException damaged) {
      return new ImapCursor(new LinkedHashMap<>());
    }
    return new ImapCursor(folders);
  }

  /**
   * By folder name: servers list folders in no fixed order, and an unchanged feed keeps its value.
   */
  SyncCursor write() {
    StringBuilder out = new StringBuilder(VERSION);
    new TreeMap<>(folders)
        .forEach(
            (name, mark) ->
                out.append('\n')
                    .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                    .append(' ')
                    .append(mark.uidValidity())
                    .append(' ')
                    .append(mark.uidNext())
                    .append(' ')
                    .append(mark.highestModSeq())
                    .append(' ')
                    .append(mark.messages())
                    .append(' ')
                    .append(mark.formerValidity())
                    .append(' ')
                    .append(mark.known()));
    return new SyncCursor(out.toString());
  }
}
