package dev.mailroom.provider.imap;

import dev.mailroom.provider.spi.FolderStatus;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class ImapSession implements MailboxSession {
  private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

  private final Store store;

  ImapSession(Store store) {
    this.store = store;
  }

  @Override
  public List<FolderStatus> folders() throws ProviderException {
    try {
      List<FolderStatus> result = new ArrayList<>();
      for (Folder folder : store.getDefaultFolder().list("*")) {
        if ((folder.getType() & Folder.HOLDS_MESSAGES) == 0) {
          continue;
        }
        IMAPFolder imap = (IMAPFolder) folder;
        imap.open(Folder.READ_ONLY);
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
      throw ImapErrors.map("IMAP folder listing", e);
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
  public void close() {
    try {
      store.close();
    } catch (MessagingException e) {
      log.debug("Closing IMAP store", e);
    }
  }
}
