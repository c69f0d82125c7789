package dev.mailroom.provider.imap;

import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.FetchedBatch;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.MessageFlags;
import dev.mailroom.provider.spi.Place;
import dev.mailroom.provider.spi.PlaceStatus;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.RawMime;
import dev.mailroom.provider.spi.SyncCursor;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.ResyncData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class ImapSession implements MailboxSession {
  private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

  /**
   * Messages above this size are spooled to a file as they are fetched. Mail is mostly far smaller,
   * so nearly every message is still fetched in one command with the others of its batch.
   */
  static final int SPOOL_ABOVE_BYTES = 1 << 20;

  /** Labels that stand for folders or system flags: not settable as keywords. */
  private static final Set<String> FOLDER_LABELS =
      Set.of("INBOX", "SENT", "TRASH", "DRAFT", "SPAM", "ARCHIVE", "STARRED", "UNREAD");

  /** ATOM-CHAR of RFC 3501: printable ASCII except ( ) { SP % * " \ ]. */
  private static final Pattern IMAP_ATOM = Pattern.compile("[\\x21-\\x7E&&[^(){%*\"\\\\\\]]]+");

  /** For building the Sent copy from raw bytes; a Session per message would be costly. */
  private static final Session PARSING = Session.getInstance(new Properties());

  private final Store store;
  private final Consumer<Store> keep;
  private final AtomicReference<String> sentFolderName;
  private boolean failed;

  /**
   * @param keep takes the connection back when the session closes without having failed, so the
   *     mailbox's next operation can reuse it
   * @param sentFolderName this mailbox's Sent folder once found, remembered across sessions so that
   *     a burst of sends does not list the folders for each copy
   */
  ImapSession(Store store, Consumer<Store> keep, AtomicReference<String> sentFolderName) {
    this.store = store;
    this.keep = keep;
    this.sentFolderName = sentFolderName;
  }

  /** A connection that failed an operation is not kept. */
  private ProviderException failed(String what, Exception e) {
    failed = true;
    sentFolderName.set(null); // perhaps renamed or deleted: look again next time
    return ImapErrors.map(what, e);
  }

  /** Every selectable folder with its counters. */
  List<ImapFolderStatus> folders() throws ProviderException {
    try {
      List<ImapFolderStatus> result = new ArrayList<>();
      boolean condstore = ((IMAPStore) store).hasCapability("CONDSTORE");
      for (Folder folder : store.getDefaultFolder().list("*")) {
        if ((folder.getType() & Folder.HOLDS_MESSAGES) == 0) {
          continue;
        }
        IMAPFolder imap = (IMAPFolder) folder;
        // EXAMINE ... (CONDSTORE) makes the server report HIGHESTMODSEQ with the other counters.
        imap.open(Folder.READ_ONLY, condstore ? ResyncData.CONDSTORE : null);
        try {
          result.add(
              new ImapFolderStatus(
                  imap.getFullName(),
                  role(imap),
                  imap.getUIDValidity(),
                  imap.getUIDNext(),
                  imap.getMessageCount(),
                  imap.getHighestModSeq() < 0 ? 0 : imap.getHighestModSeq()));
        } finally {
          imap.close(false);
        }
      }
      return result;
    } catch (MessagingException e) {
      throw failed("IMAP folder listing", e);
    }
  }

  /**
   * Each folder in turn: one unchanged since the cursor (see {@link
   * ImapCursor.FolderMark#unchanged}) is not listed; otherwise its UIDs are compared with those the
   * cursor knows, and the flags the server reports (all of them, or with CONDSTORE only those
   * changed since the cursor's HIGHESTMODSEQ) are passed on as changes. A folder whose UIDVALIDITY
   * changed is listed again from scratch, each message pointing at the scope it was stored under.
   * Once the budget is spent, the folder at hand keeps its old counters and the UIDs handed out so
   * far; the folders after it are left as they were.
   */
  @Override
  public SyncCursor cursorFor(java.util.Collection<ProviderRef> stored) {
    return ImapCursor.seenFrom(stored).write();
  }

  @Override
  public ChangePage changes(SyncCursor from, int budget) throws ProviderException {
    ImapCursor before = ImapCursor.read(from);
    Map<String, ImapCursor.FolderMark> after = new LinkedHashMap<>();
    List<PlaceStatus> places = new ArrayList<>();
    List<ChangePage.Added> added = new ArrayList<>();
    List<ChangePage.Changed> changed = new ArrayList<>();
    List<ChangePage.Removed> removed = new ArrayList<>();
    List<String> retired = new ArrayList<>();
    int left = Math.max(0, budget);
    boolean more = false;
    for (ImapFolderStatus folder : folders()) {
      Place place =
          new Place(
              folder.name(), folder.role(), ImapRef.scope(folder.name(), folder.uidValidity()));
      places.add(
          new PlaceStatus(
              place,
              folder.messages(),
              folder.uidValidity(),
              folder.uidNext(),
              folder.highestModSeq()));
      ImapCursor.FolderMark mark = before.folders().get(folder.name());
      if (more || (mark != null && mark.unchanged(folder))) {
        if (mark != null) {
          after.put(folder.name(), mark);
        }
        continue;
      }
      boolean sameNumbering = mark != null && mark.uidValidity() == folder.uidValidity();
      long former = sameNumbering ? mark.formerValidity() : 0;
      if (mark != null && !sameNumbering) {
        if (mark.formerValidity() != 0) {
          // Renumbered again before the last renumbering was listed through: give that one up.
          retired.add(ImapRef.scope(folder.name(), mark.formerValidity()));
        }
        former = mark.uidValidity();
      }
      FolderListing listing = list(folder.name(), sameNumbering ? mark.highestModSeq() : 0);
      if (listing.uidValidity() != folder.uidValidity()) {
        throw new ProviderException.Transient(
            folder.name() + " was renumbered while being listed", null);
      }
      SortedSet<Long> known = sameNumbering ? UidSet.parse(mark.known()) : new TreeSet<>();
      for (Iterator<Long> it = known.iterator(); it.hasNext(); ) {
        long uid = it.next();
        if (!listing.uids().contains(uid)) {
          removed.add(
              new ChangePage.Removed(
                  new ImapRef(folder.name(), folder.uidValidity(), uid).ref(), place));
          it.remove();
        }
      }
      listing
          .flags()
          .forEach(
              (uid, flags) -> {
                if (known.contains(uid)) {
                  changed.add(
                      new ChangePage.Changed(
                          new ImapRef(folder.name(), folder.uidValidity(), uid).ref(),
                          place,
                          flags));
                }
              });
      long arrivedFrom = sameNumbering && mark.uidNext() > 0 ? mark.uidNext() : Long.MAX_VALUE;
      String formerScope = former == 0 ? null : ImapRef.scope(folder.name(), former);
      int unknown = 0;
      for (long uid : listing.uids()) {
        if (known.contains(uid)) {
          continue;
        }
        if (left == 0) {
          unknown++;
          continue;
        }
        left--;
        known.add(uid);
        added.add(
            new ChangePage.Added(
                new ImapRef(folder.name(), folder.uidValidity(), uid).ref(),
                place,
                uid >= arrivedFrom,
                formerScope));
      }
      if (unknown == 0) {
        if (formerScope != null) {
          retired.add(formerScope);
        }
        after.put(
            folder.name(),
            new ImapCursor.FolderMark(
                folder.uidValidity(),
                folder.uidNext(),
                folder.highestModSeq(),
                folder.messages(),
                0,
                UidSet.format(known)));
      } else {
        more = true;
        // The old UIDNEXT, so that what is still to come counts as arrived or not as it would
        // have; flags of known messages are now current as of this HIGHESTMODSEQ.
        after.put(
            folder.name(),
            new ImapCursor.FolderMark(
                folder.uidValidity(),
                sameNumbering ? mark.uidNext() : 0,
                folder.highestModSeq(),
                ImapCursor.FolderMark.INCOMPLETE,
                former,
                UidSet.format(known)));
      }
    }
    return new ChangePage(
        places, added, changed, removed, retired, new ImapCursor(after).write(), more);
  }

  /** RFC 6154 special-use attributes first, then the usual names. */
  static String role(IMAPFolder folder) throws MessagingException {
    for (String attribute : folder.getAttributes()) {
      switch (attribute.toLowerCase(Locale.ROOT)) {
        case "\\sent":
          return "sent";
        case "\\trash":
          return "trash";
        case "\\drafts":
          return "drafts";
        case "\\junk":
          return "junk";
        case "\\archive":
        case "\\all":
          return "archive";
        default:
          break;
      }
    }
    String name = folder.getName().toLowerCase(Locale.ROOT);
    if (folder.getFullName().equalsIgnoreCase("INBOX")) {
      return "inbox";
    }
    return switch (name) {
      case "sent", "sent items", "sent messages", "sent mail" -> "sent";
      case "trash", "deleted items", "deleted messages", "bin" -> "trash";
      case "drafts" -> "drafts";
      case "junk", "spam", "junk e-mail" -> "junk";
      case "archive", "all mail" -> "archive";
      default -> null;
    };
  }

  /**
   * Every UID of a folder, and flags: of every message, or with CONDSTORE (RFC 7162) and a {@code
   * modSeq} from an earlier pass, of those changed since, so a large folder costs its UID list
   * ({@code FETCH 1:* (UID)}) and {@code UID FETCH 1:* (FLAGS) (CHANGEDSINCE m)}, not every
   * message's flags.
   */
  private FolderListing list(String name, long modSeq) throws ProviderException {
    try {
      boolean changedOnly = modSeq > 0 && ((IMAPStore) store).hasCapability("CONDSTORE");
      IMAPFolder folder = (IMAPFolder) store.getFolder(name);
      folder.open(Folder.READ_ONLY);
      try {
        SortedSet<Long> uids = new TreeSet<>();
        Map<Long, MessageFlags> flags = new HashMap<>();
        if (!changedOnly) {
          for (Message message : everyMessage(folder, FetchProfile.Item.FLAGS)) {
            long uid = folder.getUID(message);
            uids.add(uid);
            flags.put(uid, flags(message.getFlags()));
          }
          return new FolderListing(folder.getUIDValidity(), uids, flags);
        }
        for (Message message : everyMessage(folder)) {
          uids.add(folder.getUID(message));
        }
        for (Message message : folder.getMessagesByUIDChangedSince(1, UIDFolder.MAXUID, modSeq)) {
          long uid = folder.getUID(message);
          // "1:*" always names the last message, changed or not; harmless, it is compared anyway.
          if (uids.contains(uid)) {
            flags.put(uid, flags(message.getFlags()));
          }
        }
        return new FolderListing(folder.getUIDValidity(), uids, flags);
      } finally {
        folder.close(false);
      }
    } catch (MessagingException e) {
      throw failed("IMAP listing of " + name, e);
    }
  }

  /** A folder's UIDs, and flags of all or only the changed ones among them. */
  private record FolderListing(
      long uidValidity, SortedSet<Long> uids, Map<Long, MessageFlags> flags) {}

  /** Every message of an open folder with its UID and {@code items} fetched, none expunged. */
  private static List<Message> everyMessage(IMAPFolder folder, FetchProfile.Item... items)
      throws MessagingException {
    Message[] messages = folder.getMessages();
    FetchProfile profile = new FetchProfile();
    profile.add(UIDFolder.FetchProfileItem.UID);
    for (FetchProfile.Item item : items) {
      profile.add(item);
    }
    folder.fetch(messages, profile);
    return Arrays.stream(messages).filter(m -> !m.isExpunged()).toList();
  }

  /**
   * Per folder, in the order the references first name each. Sizes are asked for first: small
   * messages are then fetched together in one command, large ones streamed in chunks (IMAP partial
   * fetch) to a spool file, so a message costs heap only while it is small.
   */
  @Override
  public FetchedBatch fetch(List<ProviderRef> refs, long maxBytes) throws ProviderException {
    Map<String, List<ImapRef>> byScope = new LinkedHashMap<>();
    for (ProviderRef ref : refs) {
      ImapRef location = location(ref);
      byScope
          .computeIfAbsent(
              ImapRef.scope(location.folder(), location.uidValidity()), s -> new ArrayList<>())
          .add(location);
    }
    List<FetchedMessage> result = new ArrayList<>(refs.size());
    List<ProviderRef> deferred = new ArrayList<>();
    long[] spent = {0};
    try {
      for (List<ImapRef> inFolder : byScope.values()) {
        ImapRef first = inFolder.get(0);
        if (!result.isEmpty() && spent[0] >= maxBytes) {
          inFolder.forEach(r -> deferred.add(r.ref()));
          continue;
        }
        fetch(
            first.folder(),
            first.uidValidity(),
            inFolder.stream().map(ImapRef::uid).toList(),
            maxBytes,
            spent,
            result,
            deferred);
      }
    } catch (ProviderException | RuntimeException e) {
      result.forEach(FetchedMessage::close);
      throw e;
    }
    return new FetchedBatch(result, deferred);
  }

  private void fetch(
      String name,
      long uidValidity,
      List<Long> uids,
      long maxBytes,
      long[] spent,
      List<FetchedMessage> result,
      List<ProviderRef> deferred)
      throws ProviderException {
    try {
      IMAPFolder folder = open(name, uidValidity, Folder.READ_ONLY);
      try {
        Message[] present =
            Arrays.stream(byUid(folder, uids)).filter(Objects::nonNull).toArray(Message[]::new);
        FetchProfile described = new FetchProfile();
        described.add(UIDFolder.FetchProfileItem.UID);
        described.add(FetchProfile.Item.FLAGS);
        described.add(FetchProfile.Item.SIZE);
        described.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
        folder.fetch(present, described);
        List<Message> taken = new ArrayList<>();
        List<Message> small = new ArrayList<>();
        for (Message message : present) {
          long size = Math.max(0, message.getSize());
          if ((!result.isEmpty() || !taken.isEmpty()) && spent[0] + size > maxBytes) {
            deferred.add(new ImapRef(name, uidValidity, folder.getUID(message)).ref());
            continue;
          }
          spent[0] += size;
          taken.add(message);
          if (size <= SPOOL_ABOVE_BYTES) {
            small.add(message);
          }
        }
        if (!small.isEmpty()) {
          FetchProfile whole = new FetchProfile();
          whole.add(IMAPFolder.FetchProfileItem.MESSAGE);
          folder.fetch(small.toArray(Message[]::new), whole);
        }
        for (Message message : taken) {
          Date received = message.getReceivedDate();
          result.add(
              new FetchedMessage(
                  new ImapRef(name, uidValidity, folder.getUID(message)).ref(),
                  message.getSize() <= SPOOL_ABOVE_BYTES ? inMemory(message) : spooled(message),
                  received == null ? null : received.toInstant(),
                  flags(message.getFlags())));
        }
      } finally {
        folder.close(false);
      }
    } catch (MessagingException | IOException e) {
      throw failed("IMAP fetch from " + name, e);
    }
  }

  private static RawMime inMemory(Message message) throws IOException, MessagingException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream(Math.max(32, message.getSize()));
    message.writeTo(raw);
    return RawMime.of(raw.toByteArray());
  }

  /** Streamed from the server in chunks of the session's fetch size, never whole in memory. */
  private static RawMime spooled(Message message) throws IOException, MessagingException {
    Path file = Files.createTempFile("mailroom-fetch-", ".eml");
    RawMime raw = RawMime.spooled(file);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
      message.writeTo(out);
      return raw;
    } catch (IOException | MessagingException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** Where a reference points; one this adapter did not hand out cannot be acted on. */
  private static ImapRef location(ProviderRef ref) throws ProviderException {
    ImapRef location = ImapRef.of(ref);
    if (location == null) {
      throw new ProviderException.Permanent(
          "Not an IMAP message reference (not at the server yet?): " + ref, null);
    }
    return location;
  }

  /**
   * A contiguous run of UIDs (the usual case in a backfill) is asked for as one range, {@code UID
   * FETCH a:b}, instead of a list of every UID in it.
   */
  private static Message[] byUid(IMAPFolder folder, List<Long> uids) throws MessagingException {
    if (uids.isEmpty()) {
      return new Message[0];
    }
    long first = uids.get(0);
    long last = uids.get(uids.size() - 1);
    if (last - first + 1 == uids.size()) {
      return folder.getMessagesByUID(first, last);
    }
    return folder.getMessagesByUID(uids.stream().mapToLong(Long::longValue).toArray());
  }

  @Override
  public void setSeen(ProviderRef ref, boolean seen) throws ProviderException {
    withMessage(location(ref), message -> message.setFlag(Flags.Flag.SEEN, seen));
  }

  /**
   * Labels are IMAP keywords here; the labels that stand for a folder or a system flag are not
   * settable as keywords and are left out.
   */
  @Override
  public void setLabels(ProviderRef ref, List<String> addLabels, List<String> removeLabels)
      throws ProviderException {
    ImapRef location = location(ref);
    List<String> add = keywordsOf(addLabels);
    List<String> remove = keywordsOf(removeLabels);
    if (add.isEmpty() && remove.isEmpty()) {
      return;
    }
    withMessage(
        location,
        message -> {
          if (!add.isEmpty()) {
            message.setFlags(keywords(add), true);
          }
          if (!remove.isEmpty()) {
            message.setFlags(keywords(remove), false);
          }
        });
  }

  /**
   * Labels that can be IMAP keywords. The gateway refuses the others, but a command queued before
   * it did (or from elsewhere) must still not reach the server as a system flag such as {@code
   * \Deleted}: a keyword is an IMAP atom, which no backslash or other atom-special can be part of.
   */
  static List<String> keywordsOf(List<String> labels) {
    List<String> keywords = new ArrayList<>();
    for (String label : labels) {
      if (FOLDER_LABELS.contains(label)) {
        continue;
      }
      if (label.isEmpty() || !IMAP_ATOM.matcher(label).matches()) {
        log.warn("Label {} is not an IMAP keyword: not applied at the server", label);
        continue;
      }
      keywords.add(label);
    }
    return keywords;
  }

  @Override
  public Optional<ProviderRef> moveToTrash(ProviderRef ref) throws ProviderException {
    ImapRef location = location(ref);
    String name = location.folder();
    try {
      Folder trash = trashFolder();
      if (trash.getFullName().equals(name)) {
        return Optional.of(ref); // already there
      }
      IMAPFolder folder = open(name, location.uidValidity(), Folder.READ_WRITE);
      try {
        Message message = folder.getMessageByUID(location.uid());
        if (message == null) {
          throw new ProviderException.NotFound(
              "No message " + location.uid() + " in " + name, null);
        }
        boolean move = ((IMAPStore) store).hasCapability("MOVE");
        AppendUID moved = transfer(folder, message, trash, move);
        return moved == null
            ? Optional.empty()
            : Optional.of(new ImapRef(trash.getFullName(), moved.uidvalidity, moved.uid).ref());
      } finally {
        folder.close(false);
      }
    } catch (MessagingException e) {
      throw failed("IMAP move to Trash from " + name, e);
    }
  }

  /**
   * One message from an open folder into {@code trash}: with MOVE (RFC 6851) if the server has it,
   * else COPY, then {@code \Deleted} and UID EXPUNGE of that UID alone, so that no other message
   * someone flagged deleted is expunged with it (without UIDPLUS the original stays flagged: the
   * copy is safe in Trash either way). Returns the copy's UID when the server reports it.
   */
  static AppendUID transfer(IMAPFolder folder, Message message, Folder trash, boolean move)
      throws MessagingException {
    boolean uidplus = ((IMAPStore) folder.getStore()).hasCapability("UIDPLUS");
    Message[] one = {message};
    AppendUID[] copied = null;
    if (move) {
      if (uidplus) {
        copied = folder.moveUIDMessages(one, trash);
      } else {
        folder.moveMessages(one, trash);
      }
      return first(copied);
    }
    if (uidplus) {
      copied = folder.copyUIDMessages(one, trash);
    } else {
      folder.copyMessages(one, trash);
    }
    message.setFlag(Flags.Flag.DELETED, true);
    if (uidplus) {
      folder.expunge(one);
    }
    return first(copied);
  }

  private static AppendUID first(AppendUID[] uids) {
    return uids == null || uids.length == 0 ? null : uids[0];
  }

  /**
   * The folder with the RFC 6154 {@code \Trash} attribute, else one with a usual Trash name, else a
   * new "Trash": without one a delete could only flag the message, and any expunge would then
   * destroy what the API promised to keep recoverable.
   */
  private Folder trashFolder() throws MessagingException {
    Folder[] all = store.getDefaultFolder().list("*");
    for (Folder folder : all) {
      for (String attribute : ((IMAPFolder) folder).getAttributes()) {
        if (attribute.equalsIgnoreCase("\\Trash")) {
          return folder;
        }
      }
    }
    for (Folder folder : all) {
      if ("trash".equals(role((IMAPFolder) folder))) {
        return folder;
      }
    }
    Folder trash = store.getFolder("Trash");
    if (!trash.exists() && !trash.create(Folder.HOLDS_MESSAGES)) {
      throw new MessagingException("The server would not create a Trash folder");
    }
    return trash;
  }

  @Override
  public Optional<ProviderRef> findSent(String rfcMessageId) throws ProviderException {
    try {
      Folder sent = sentFolder(false);
      if (sent == null) {
        return Optional.empty();
      }
      IMAPFolder folder = (IMAPFolder) sent;
      folder.open(Folder.READ_ONLY);
      try {
        Message[] found = folder.search(new HeaderTerm("Message-ID", "<" + rfcMessageId + ">"));
        return found.length == 0
            ? Optional.empty()
            : Optional.of(
                new ImapRef(folder.getFullName(), folder.getUIDValidity(), folder.getUID(found[0]))
                    .ref());
      } finally {
        folder.close(false);
      }
    } catch (MessagingException e) {
      throw failed("IMAP search of Sent", e);
    }
  }

  @Override
  public void appendToSent(byte[] raw) throws ProviderException {
    try {
      Folder sent = sentFolder(true);
      MimeMessage copy = new MimeMessage(PARSING, new ByteArrayInputStream(raw));
      copy.setFlag(Flags.Flag.SEEN, true);
      sent.appendMessages(new Message[] {copy});
    } catch (MessagingException e) {
      throw failed("IMAP append to Sent", e);
    }
  }

  /**
   * The folder with the \\Sent role or a usual name; created as "Sent" if asked and missing. Found
   * by listing names and attributes only: opening every folder would cost a round trip per folder
   * on every send.
   */
  private Folder sentFolder(boolean create) throws MessagingException {
    String known = sentFolderName.get();
    if (known != null) {
      return store.getFolder(known);
    }
    for (Folder folder : store.getDefaultFolder().list("*")) {
      if ("sent".equals(role((IMAPFolder) folder))) {
        sentFolderName.set(folder.getFullName());
        return folder;
      }
    }
    if (!create) {
      return null;
    }
    Folder sent = store.getFolder("Sent");
    sent.create(Folder.HOLDS_MESSAGES);
    return sent;
  }

  private interface MessageAction {
    void apply(Message message) throws MessagingException;
  }

  private void withMessage(ImapRef location, MessageAction action) throws ProviderException {
    String name = location.folder();
    try {
      IMAPFolder folder = open(name, location.uidValidity(), Folder.READ_WRITE);
      try {
        Message message = folder.getMessageByUID(location.uid());
        if (message == null) {
          throw new ProviderException.NotFound(
              "No message " + location.uid() + " in " + name, null);
        }
        action.apply(message);
      } finally {
        folder.close(false);
      }
    } catch (MessagingException e) {
      throw failed("IMAP change in " + name, e);
    }
  }

  private IMAPFolder open(String name, long uidValidity, int mode)
      throws MessagingException, ProviderException {
    IMAPFolder folder = (IMAPFolder) store.getFolder(name);
    folder.open(mode);
    if (folder.getUIDValidity() != uidValidity) {
      folder.close(false);
      throw new ProviderException.NotFound(
          name + " was renumbered (UIDVALIDITY " + uidValidity + " is gone)", null);
    }
    return folder;
  }

  private static MessageFlags flags(Flags flags) {
    return new MessageFlags(
        flags.contains(Flags.Flag.SEEN),
        flags.contains(Flags.Flag.FLAGGED),
        List.of(flags.getUserFlags()));
  }

  private static Flags keywords(List<String> names) {
    Flags flags = new Flags();
    names.forEach(flags::add);
    return flags;
  }

  @Override
  public void close() {
    if (!failed) {
      keep.accept(store);
      return;
    }
    try {
      store.close();
    } catch (MessagingException e) {
      log.debug("Closing IMAP store", e);
    }
  }
}
