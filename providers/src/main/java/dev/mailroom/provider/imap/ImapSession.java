package dev.mailroom.provider.imap;

import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.FolderChanges;
import dev.mailroom.provider.spi.FolderContents;
import dev.mailroom.provider.spi.FolderStatus;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.MessageFlags;
import dev.mailroom.provider.spi.MessageLocation;
import dev.mailroom.provider.spi.ProviderException;
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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.ResyncData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class ImapSession implements MailboxSession {
  private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

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

  @Override
  public List<FolderStatus> folders() throws ProviderException {
    try {
      List<FolderStatus> result = new ArrayList<>();
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
              new FolderStatus(
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

  @Override
  public FolderContents contents(String name) throws ProviderException {
    try {
      IMAPFolder folder = (IMAPFolder) store.getFolder(name);
      folder.open(Folder.READ_ONLY);
      try {
        SortedMap<Long, MessageFlags> byUid = new TreeMap<>();
        for (Message message : everyMessage(folder, FetchProfile.Item.FLAGS)) {
          byUid.put(folder.getUID(message), flags(message.getFlags()));
        }
        return new FolderContents(name, folder.getUIDValidity(), byUid);
      } finally {
        folder.close(false);
      }
    } catch (MessagingException e) {
      throw failed("IMAP listing of " + name, e);
    }
  }

  /**
   * With CONDSTORE (RFC 7162): {@code FETCH 1:* (UID)} for the UIDs and {@code UID FETCH 1:*
   * (FLAGS) (CHANGEDSINCE m)} for what changed, so a large folder costs its UID list, not every
   * message's flags.
   */
  @Override
  public FolderChanges changesSince(String name, long modSeq) throws ProviderException {
    try {
      if (modSeq <= 0 || !((IMAPStore) store).hasCapability("CONDSTORE")) {
        return FolderChanges.everything(contents(name));
      }
      IMAPFolder folder = (IMAPFolder) store.getFolder(name);
      folder.open(Folder.READ_ONLY);
      try {
        SortedSet<Long> uids = new TreeSet<>();
        for (Message message : everyMessage(folder)) {
          uids.add(folder.getUID(message));
        }
        Map<Long, MessageFlags> changed = new HashMap<>();
        for (Message message : folder.getMessagesByUIDChangedSince(1, UIDFolder.MAXUID, modSeq)) {
          long uid = folder.getUID(message);
          // "1:*" always names the last message, changed or not; harmless, it is compared anyway.
          if (uids.contains(uid)) {
            changed.put(uid, flags(message.getFlags()));
          }
        }
        return new FolderChanges(name, folder.getUIDValidity(), uids, changed, true);
      } finally {
        folder.close(false);
      }
    } catch (MessagingException e) {
      throw failed("IMAP changes in " + name, e);
    }
  }

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

  @Override
  public List<FetchedMessage> fetch(String name, long uidValidity, List<Long> uids)
      throws ProviderException {
    try {
      IMAPFolder folder = open(name, uidValidity, Folder.READ_ONLY);
      try {
        Message[] messages = byUid(folder, uids);
        FetchProfile profile = new FetchProfile();
        profile.add(UIDFolder.FetchProfileItem.UID);
        profile.add(FetchProfile.Item.FLAGS);
        profile.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
        profile.add(IMAPFolder.FetchProfileItem.MESSAGE);
        Message[] present =
            Arrays.stream(messages).filter(Objects::nonNull).toArray(Message[]::new);
        folder.fetch(present, profile);
        List<FetchedMessage> result = new ArrayList<>(present.length);
        for (Message message : present) {
          ByteArrayOutputStream raw = new ByteArrayOutputStream();
          message.writeTo(raw);
          Date received = message.getReceivedDate();
          result.add(
              new FetchedMessage(
                  folder.getUID(message),
                  raw.toByteArray(),
                  received == null ? null : received.toInstant(),
                  flags(message.getFlags())));
        }
        return result;
      } finally {
        folder.close(false);
      }
    } catch (MessagingException | IOException e) {
      throw failed("IMAP fetch from " + name, e);
    }
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
  public void setSeen(String name, long uidValidity, long uid, boolean seen)
      throws ProviderException {
    withMessage(name, uidValidity, uid, message -> message.setFlag(Flags.Flag.SEEN, seen));
  }

  @Override
  public void setKeywords(
      String name, long uidValidity, long uid, List<String> add, List<String> remove)
      throws ProviderException {
    withMessage(
        name,
        uidValidity,
        uid,
        message -> {
          if (!add.isEmpty()) {
            message.setFlags(keywords(add), true);
          }
          if (!remove.isEmpty()) {
            message.setFlags(keywords(remove), false);
          }
        });
  }

  @Override
  public Optional<MessageLocation> moveToTrash(String name, long uidValidity, long uid)
      throws ProviderException {
    try {
      Folder trash = trashFolder();
      if (trash.getFullName().equals(name)) {
        return Optional.of(new MessageLocation(name, uidValidity, uid)); // already there
      }
      IMAPFolder folder = open(name, uidValidity, Folder.READ_WRITE);
      try {
        Message message = folder.getMessageByUID(uid);
        if (message == null) {
          throw new ProviderException.NotFound("No message " + uid + " in " + name, null);
        }
        boolean move = ((IMAPStore) store).hasCapability("MOVE");
        AppendUID moved = transfer(folder, message, trash, move);
        return moved == null
            ? Optional.empty()
            : Optional.of(new MessageLocation(trash.getFullName(), moved.uidvalidity, moved.uid));
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
  public boolean sentContains(String rfcMessageId) throws ProviderException {
    try {
      Folder sent = sentFolder(false);
      if (sent == null) {
        return false;
      }
      sent.open(Folder.READ_ONLY);
      try {
        return sent.search(new HeaderTerm("Message-ID", "<" + rfcMessageId + ">")).length > 0;
      } finally {
        sent.close(false);
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

  private void withMessage(String name, long uidValidity, long uid, MessageAction action)
      throws ProviderException {
    try {
      IMAPFolder folder = open(name, uidValidity, Folder.READ_WRITE);
      try {
        Message message = folder.getMessageByUID(uid);
        if (message == null) {
          throw new ProviderException.NotFound("No message " + uid + " in " + name, null);
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
