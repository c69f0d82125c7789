package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.provider.spi.FolderStatus;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.MailboxSessionContract;
import dev.mailroom.provider.spi.MessageLocation;
import dev.mailroom.provider.spi.PasswordAccess;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider contract against a real IMAP server. */
@WithMailroomInfrastructure
class ImapMailboxSessionTest implements MailboxSessionContract {
  private EmbeddedMailServer mail;
  private String user;

  @BeforeEach
  void setUp(EmbeddedMailServer mail) {
    this.mail = mail;
  }

  @Override
  public MailboxSession newMailbox() throws Exception {
    MailboxSession session = newMailboxWithoutTrash();
    try (Store store = plainClient()) {
      store.getFolder("Trash").create(Folder.HOLDS_MESSAGES);
    }
    return session;
  }

  /** The embedded server's own default: a new user has an INBOX only. */
  private MailboxSession newMailboxWithoutTrash() throws Exception {
    user = "contract-" + UUID.randomUUID() + "@mailroom.local";
    mail.addUser(user, "pw");
    var endpoint = mail.endpoint();
    return new ImapProvider(Duration.ofSeconds(10))
        .open(
            new PasswordAccess(
                user,
                user,
                "pw",
                new MailboxAccess.Endpoint(endpoint.host(), endpoint.imapPort(), "none"),
                new MailboxAccess.Endpoint(endpoint.host(), endpoint.smtpPort(), "none")));
  }

  @Override
  public void deliver(String rawMime) throws Exception {
    MimeMessage message =
        new MimeMessage(
            Session.getInstance(new Properties()),
            new ByteArrayInputStream(rawMime.getBytes(StandardCharsets.UTF_8)));
    mail.greenMail().getUserManager().getUser(user).deliver(message);
  }

  private Store plainClient() throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect(mail.endpoint().host(), mail.endpoint().imapPort(), user, "pw");
    return store;
  }

  @Test
  void aDeleteWhereThereIsNoTrashCreatesItAndMovesTheMessageThere() throws Exception {
    try (MailboxSession session = newMailboxWithoutTrash()) {
      deliver(MailboxSessionContract.message("nt-1@x", "no trash yet"));
      FolderStatus inbox = session.folders().get(0);
      assertThat(session.folders()).noneMatch(f -> "trash".equals(f.role()));
      long uid = session.contents("INBOX").messages().firstKey();

      Optional<MessageLocation> moved = session.moveToTrash("INBOX", inbox.uidValidity(), uid);

      assertThat(session.contents("INBOX").messages()).isEmpty();
      FolderStatus trash =
          session.folders().stream()
              .filter(f -> "trash".equals(f.role()))
              .findFirst()
              .orElseThrow();
      assertThat(trash.name()).isEqualTo("Trash");
      assertThat(trash.messages()).isEqualTo(1);
      assertThat(moved.map(MessageLocation::folder)).contains("Trash");
    }
  }

  @Test
  void withoutMoveTheCopyIsExpungedByItsUidAloneLeavingOtherDeletedMessages() throws Exception {
    try (MailboxSession session = newMailbox()) {
      deliver(MailboxSessionContract.message("cp-1@x", "to trash"));
      deliver(MailboxSessionContract.message("cp-2@x", "flagged by another client"));
      try (Store store = plainClient()) {
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        Message[] messages = inbox.getMessages();
        messages[1].setFlag(Flags.Flag.DELETED, true);
        AppendUID copied =
            ImapSession.transfer(inbox, messages[0], store.getFolder("Trash"), false);
        inbox.close(false);

        assertThat(copied).isNotNull();
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessageCount()).as("the other deleted message is kept").isEqualTo(1);
        assertThat(inbox.getMessage(1).getSubject()).isEqualTo("flagged by another client");
        inbox.close(false);
        IMAPFolder trash = (IMAPFolder) store.getFolder("Trash");
        trash.open(Folder.READ_ONLY);
        assertThat(trash.getMessageByUID(copied.uid).getSubject()).isEqualTo("to trash");
        assertThat(trash.getMessageByUID(copied.uid).isSet(Flags.Flag.DELETED)).isFalse();
        trash.close(false);
      }
    }
  }
}
