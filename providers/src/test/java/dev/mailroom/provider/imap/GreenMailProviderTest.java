package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.provider.contract.ProviderFixture;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider contract against GreenMail: no CONDSTORE, so every pass lists all flags. */
@WithMailroomInfrastructure
class GreenMailProviderTest extends ImapServerFixture {
  private EmbeddedMailServer mail;

  @BeforeEach
  void setUp(EmbeddedMailServer mail) {
    this.mail = mail;
  }

  /**
   * GreenMail answers IDLE's continuation before it listens to the folder, so mail delivered in
   * that gap is announced only by the next command: here, the watch's renewal.
   */
  @Override
  Duration idleKeepalive() {
    return Duration.ofSeconds(2);
  }

  @Override
  String host() {
    return mail.endpoint().host();
  }

  @Override
  int imapPort() {
    return mail.endpoint().imapPort();
  }

  @Override
  int smtpPort() {
    return mail.endpoint().smtpPort();
  }

  @Override
  void addUser(String address, String password) {
    mail.addUser(address, password);
  }

  @Override
  public void deliver(String rawMime) throws Exception {
    mail.greenMail()
        .getUserManager()
        .getUser(user)
        .deliver(parse(rawMime.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public boolean deliversSubmissions() {
    return true;
  }

  @Test
  void aDeleteWhereThereIsNoTrashCreatesItAndMovesTheMessageThere() throws Exception {
    try (MailboxSession session = provider().open(newMailboxWithoutTrash())) {
      deliver(ProviderFixture.message("nt-1@x", "no trash yet"));
      ChangePage first = ProviderFixture.allChanges(session, SyncCursor.BEGINNING);
      assertThat(first.places()).noneMatch(p -> "trash".equals(p.place().role()));
      ProviderRef ref = ProviderFixture.addedTo(first, "inbox").get(0).ref();

      Optional<ProviderRef> moved = session.moveToTrash(ref);

      ChangePage after = ProviderFixture.allChanges(session, first.next());
      assertThat(ProviderFixture.place(after, "inbox").messages()).isZero();
      assertThat(ProviderFixture.place(after, "trash").place().name()).isEqualTo("Trash");
      assertThat(ProviderFixture.place(after, "trash").messages()).isEqualTo(1);
      assertThat(moved.map(ProviderRef::value).orElseThrow()).startsWith("Trash:");
    }
  }

  @Test
  void withoutMoveTheCopyIsExpungedByItsUidAloneLeavingOtherDeletedMessages() throws Exception {
    newMailbox();
    deliver(ProviderFixture.message("cp-1@x", "to trash"));
    deliver(ProviderFixture.message("cp-2@x", "flagged by another client"));
    try (Store store = plainClient()) {
      IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      Message[] messages = inbox.getMessages();
      messages[1].setFlag(Flags.Flag.DELETED, true);
      AppendUID copied = ImapSession.transfer(inbox, messages[0], store.getFolder("Trash"), false);
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
