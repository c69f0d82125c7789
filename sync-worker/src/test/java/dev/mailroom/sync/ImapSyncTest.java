package dev.mailroom.sync;

import static dev.mailroom.sync.SyncFixture.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.envelope.Event;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.model.event.MessageUpdated;
import dev.mailroom.model.message.Direction;
import dev.mailroom.provider.testing.FaultInjectingProvider;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithMailroomInfrastructure
class ImapSyncTest {
  private SyncFixture fixture;

  @BeforeEach
  void setUp(TestInfrastructure infrastructure) {
    fixture = SyncFixture.shared(infrastructure);
  }

  @AfterEach
  void disarm() {
    FaultInjectingProvider.disarm();
  }

  private List<StoredMessage> stored(Mailbox mailbox) {
    return fixture
        .bean(MessageRepository.class)
        .search(
            new MessageQuery.Builder(mailbox.tenantId(), List.of(mailbox.id()))
                .limit(10_000)
                .build())
        .collectList()
        .block();
  }

  private static <E> List<E> of(List<Event> events, Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void backfillStoresEverythingAndAnnouncesNothingThenNewMailIsAnnouncedOnce() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    for (int i = 0; i < 45; i++) {
      fixture.deliver(mailbox, mail("old-" + i + "@x", "Old " + i, "boss@example.com", null));
    }
    MailboxSyncCompleted backfill = fixture.sync(mailbox);
    assertThat(backfill.messagesAdded()).isEqualTo(45);
    assertThat(stored(mailbox)).hasSize(45);
    assertThat(of(fixture.eventsOf(mailbox), MessageReceived.class))
        .as("backfill is not news")
        .isEmpty();
    Mailbox after = fixture.reload(mailbox);
    assertThat(after.sync().backfilled()).isTrue();
    assertThat(after.sync().messagesDone()).isEqualTo(45);

    fixture.deliver(mailbox, mail("new-1@x", "Fresh news", "friend@example.com", null));
    assertThat(fixture.sync(mailbox).messagesAdded()).isEqualTo(1);
    assertThat(fixture.sync(mailbox).messagesAdded()).as("nothing twice").isZero();
    List<MessageReceived> received = of(fixture.eventsOf(mailbox), MessageReceived.class);
    assertThat(received).hasSize(1);
    assertThat(received.get(0).message().subject()).isEqualTo("Fresh news");
    assertThat(received.get(0).message().direction()).isEqualTo(Direction.INBOUND);
    // INTERNALDATE has whole seconds: the new mail may tie with the old, so find it by subject.
    StoredMessage fresh =
        stored(mailbox).stream()
            .filter(m -> m.subject().equals("Fresh news"))
            .findFirst()
            .orElseThrow();
    assertThat(fresh.snippet()).isEqualTo("Hello, this is Fresh news.");
    assertThat(fresh.labels()).containsExactly("INBOX");
    assertThat(fresh.rawKey()).isNotNull();
  }

  @Test
  void flagChangesAndDeletionsAtTheServerAreFollowed() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("f-1@x", "Will be read", "a@example.com", null));
    fixture.deliver(mailbox, mail("f-2@x", "Will be deleted", "a@example.com", null));
    fixture.sync(mailbox);

    fixture.atServer(
        mailbox,
        "INBOX",
        (store, inbox) -> {
          inbox.open(Folder.READ_WRITE);
          Message[] messages = inbox.getMessages();
          messages[0].setFlag(Flags.Flag.SEEN, true);
          messages[0].setFlags(new Flags("customer"), true);
          messages[1].setFlag(Flags.Flag.DELETED, true);
          inbox.close(true);
        });
    MailboxSyncCompleted result = fixture.sync(mailbox);
    assertThat(result.messagesUpdated()).isEqualTo(1);
    assertThat(result.messagesDeleted()).isEqualTo(1);
    List<Event> events = fixture.eventsOf(mailbox);
    MessageUpdated updated = of(events, MessageUpdated.class).get(0);
    assertThat(updated.read()).isTrue();
    assertThat(updated.labels()).containsExactly("INBOX", "customer");
    assertThat(of(events, MessageDeleted.class)).hasSize(1);
    assertThat(stored(mailbox)).extracting(StoredMessage::subject).containsExactly("Will be read");
  }

  @Test
  void aRenumberedFolderAddsNoDuplicates() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.atServer(mailbox, "Projects", (store, folder) -> folder.create(Folder.HOLDS_MESSAGES));
    String[] ids = {"p-1@x", "p-2@x", "p-3@x"};
    appendTo(mailbox, "Projects", ids);
    fixture.sync(mailbox);
    List<String> before = stored(mailbox).stream().map(StoredMessage::id).sorted().toList();
    assertThat(before).hasSize(3);
    long oldValidity =
        fixture.reload(mailbox).sync().folders().stream()
            .filter(f -> f.name().equals("Projects"))
            .findFirst()
            .orElseThrow()
            .uidValidity();

    // Recreating the folder gives it a new UIDVALIDITY, as a server restore would.
    fixture.atServer(mailbox, "Projects", (store, folder) -> folder.delete(true));
    // GreenMail's UIDVALIDITY is the creation time in seconds.
    Thread.sleep(1_100);
    fixture.atServer(mailbox, "Projects", (store, folder) -> folder.create(Folder.HOLDS_MESSAGES));
    appendTo(mailbox, "Projects", ids);
    MailboxSyncCompleted resync = fixture.sync(mailbox);
    long newValidity =
        fixture.reload(mailbox).sync().folders().stream()
            .filter(f -> f.name().equals("Projects"))
            .findFirst()
            .orElseThrow()
            .uidValidity();

    assertThat(newValidity).isNotEqualTo(oldValidity);
    assertThat(resync.messagesAdded()).isZero();
    assertThat(stored(mailbox).stream().map(StoredMessage::id).sorted().toList()).isEqualTo(before);
    assertThat(stored(mailbox))
        .allMatch(m -> m.providerMessageId().startsWith("Projects:" + newValidity + ":"));
    assertThat(of(fixture.eventsOf(mailbox), MessageReceived.class)).isEmpty();
  }

  private void appendTo(Mailbox mailbox, String folderName, String... messageIds) throws Exception {
    fixture.atServer(
        mailbox,
        folderName,
        (store, folder) -> {
          Session session = Session.getInstance(new Properties());
          Message[] messages = new Message[messageIds.length];
          for (int i = 0; i < messageIds.length; i++) {
            messages[i] =
                new jakarta.mail.internet.MimeMessage(
                    session,
                    new java.io.ByteArrayInputStream(
                        mail(messageIds[i], "Project " + i, "pm@example.com", null).getBytes()));
          }
          folder.appendMessages(messages);
        });
  }

  @Test
  void repliesJoinTheirThreadByHeadersOrBySubject() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("root@x", "Budget 2026", "cfo@example.com", null));
    fixture.deliver(mailbox, mail("reply@x", "Re: Budget 2026", "ceo@example.com", "root@x"));
    fixture.deliver(mailbox, mail("lost-headers@x", "RE: budget 2026", "cto@example.com", null));
    fixture.deliver(mailbox, mail("other@x", "Budget 2026", "someone@example.com", null));
    fixture.sync(mailbox);
    var byId =
        stored(mailbox).stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    StoredMessage::rfcMessageId, StoredMessage::threadId));
    assertThat(byId.get("reply@x")).isEqualTo(byId.get("root@x"));
    assertThat(byId.get("lost-headers@x")).as("subject fallback").isEqualTo(byId.get("root@x"));
    assertThat(byId.get("other@x"))
        .as("same subject, not a reply: its own thread")
        .isNotEqualTo(byId.get("root@x"));
  }

  @Test
  void anInterruptedBackfillResumesWithExactCounts() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    for (int i = 0; i < 100; i++) {
      fixture.deliver(mailbox, mail("r-" + i + "@x", "Resume " + i, "boss@example.com", null));
    }
    // Two batches of 20 go in, then the connection drops; the retry picks up from there.
    FaultInjectingProvider.FETCHES_BEFORE_FAILURE.set(2);
    MailboxSyncCompleted completed = fixture.sync(mailbox);
    assertThat(FaultInjectingProvider.FETCHES_BEFORE_FAILURE.get())
        .as("the fault fired")
        .isLessThan(0);
    assertThat(completed.messagesTotal()).isEqualTo(100);
    List<StoredMessage> all = stored(mailbox);
    assertThat(all).hasSize(100);
    assertThat(all.stream().map(StoredMessage::rfcMessageId).distinct().count()).isEqualTo(100);
    assertThat(fixture.reload(mailbox).sync().messagesDone()).isEqualTo(100);
    assertThat(of(fixture.eventsOf(mailbox), MessageReceived.class)).isEmpty();
  }

  @Test
  void readLabelAndDeleteCommandsReachTheServerAndTrashIsNotNews() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.atServer(mailbox, "Trash", (store, folder) -> folder.create(Folder.HOLDS_MESSAGES));
    fixture.deliver(mailbox, mail("c-1@x", "Keep and label", "a@example.com", null));
    fixture.deliver(mailbox, mail("c-2@x", "Throw away", "a@example.com", null));
    fixture.sync(mailbox);
    fixture.deliver(mailbox, mail("c-3@x", "Arrives later", "a@example.com", null));
    fixture.sync(mailbox);
    var byId =
        stored(mailbox).stream()
            .collect(
                java.util.stream.Collectors.toMap(StoredMessage::rfcMessageId, StoredMessage::id));

    String modifyId = dev.mailroom.model.envelope.Ids.newId("cmd");
    fixture.command(
        new dev.mailroom.model.command.ModifyMessages(
            modifyId,
            mailbox.tenantId(),
            mailbox.id(),
            List.of(byId.get("c-1@x")),
            true,
            List.of("customer"),
            List.of(),
            java.time.Instant.now()));
    fixture.command(
        new dev.mailroom.model.command.DeleteMessage(
            dev.mailroom.model.envelope.Ids.newId("cmd"),
            mailbox.tenantId(),
            mailbox.id(),
            byId.get("c-2@x"),
            java.time.Instant.now()));
    fixture.awaitEvent(mailbox, MessageDeleted.class);

    fixture.atServer(
        mailbox,
        "INBOX",
        (store, inbox) -> {
          inbox.open(Folder.READ_ONLY);
          assertThat(inbox.getMessageCount()).isEqualTo(2);
          Message labelled = inbox.getMessage(1);
          assertThat(labelled.isSet(Flags.Flag.SEEN)).isTrue();
          assertThat(labelled.getFlags().contains("customer")).isTrue();
          Folder trash = store.getFolder("Trash");
          trash.open(Folder.READ_ONLY);
          assertThat(trash.getMessageCount()).isEqualTo(1);
        });
    assertThat(of(fixture.eventsOf(mailbox), MessageUpdated.class))
        .anyMatch(u -> u.read() && u.messageId().equals(byId.get("c-1@x")));

    int receivedBefore = of(fixture.eventsOf(mailbox), MessageReceived.class).size();
    fixture.sync(mailbox);
    assertThat(of(fixture.eventsOf(mailbox), MessageReceived.class))
        .as("a message moved to Trash is not news")
        .hasSize(receivedBefore);
  }

  @Test
  void aDeleteMovesToATrashItCreatesAndSyncKeepsOneRecoverableCopyUnderLabelTrash()
      throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("tr-1@x", "Recover me", "a@example.com", null));
    fixture.deliver(mailbox, mail("tr-2@x", "Stay", "a@example.com", null));
    fixture.sync(mailbox);
    StoredMessage doomed =
        stored(mailbox).stream()
            .filter(m -> m.rfcMessageId().equals("tr-1@x"))
            .findFirst()
            .orElseThrow();

    fixture.deleteThroughTheApi(mailbox, doomed);
    fixture.sync(mailbox);

    fixture.atServer(
        mailbox,
        "INBOX",
        (store, inbox) -> {
          inbox.open(Folder.READ_ONLY);
          assertThat(inbox.getMessageCount()).isEqualTo(1);
          assertThat(inbox.getMessage(1).getSubject()).isEqualTo("Stay");
          Folder trash = store.getFolder("Trash");
          trash.open(Folder.READ_ONLY);
          assertThat(trash.getMessageCount()).isEqualTo(1);
          assertThat(trash.getMessage(1).isSet(Flags.Flag.DELETED)).isFalse();
        });
    assertThat(fixture.search(mailbox, "TRASH"))
        .as("the same record, followed into Trash, once")
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.id()).isEqualTo(doomed.id());
              assertThat(m.providerMessageId()).startsWith("Trash:");
              assertThat(m.labels()).containsExactly("TRASH");
            });
    assertThat(stored(mailbox)).extracting(StoredMessage::rfcMessageId).containsExactly("tr-2@x");
    assertThat(of(fixture.eventsOf(mailbox), MessageReceived.class))
        .noneMatch(r -> r.message().id().equals(doomed.id()));
  }

  @Test
  void aLabelThatIsNotAnImapKeywordNeverBecomesASystemFlag() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("sf-1@x", "Not deleted by a label", "a@example.com", null));
    fixture.sync(mailbox);
    StoredMessage message = stored(mailbox).get(0);
    fixture.command(
        new dev.mailroom.model.command.ModifyMessages(
            dev.mailroom.model.envelope.Ids.newId("cmd"),
            mailbox.tenantId(),
            mailbox.id(),
            List.of(message.id()),
            null,
            List.of("\\Deleted", "\\Seen", "kept"),
            List.of(),
            java.time.Instant.now()));
    fixture.awaitEvent(mailbox, MessageUpdated.class);

    fixture.atServer(
        mailbox,
        "INBOX",
        (store, inbox) -> {
          inbox.open(Folder.READ_ONLY);
          Message at = inbox.getMessage(1);
          assertThat(at.isSet(Flags.Flag.DELETED)).isFalse();
          assertThat(at.isSet(Flags.Flag.SEEN)).isFalse();
          assertThat(at.getFlags().contains("kept")).isTrue();
        });
  }

  @Test
  void aLargeSyncIsDoneInBoundedStepsAndCompletesOnce() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    for (int i = 0; i < 130; i++) {
      fixture.deliver(mailbox, mail("step-" + i + "@x", "Step " + i, "boss@example.com", null));
    }
    // At most 50 per command: three commands, one completion, reported under the first's id.
    MailboxSyncCompleted completed = fixture.sync(mailbox);
    assertThat(completed.messagesTotal()).isEqualTo(130);
    assertThat(stored(mailbox)).hasSize(130);
    assertThat(fixture.reload(mailbox).sync().backfilled()).isTrue();
    List<Event> events = fixture.eventsOf(mailbox);
    assertThat(of(events, MailboxSyncCompleted.class)).hasSize(1);
    assertThat(of(events, MessageReceived.class)).isEmpty();
  }

  @Test
  void newMailIsSyncedAsItArrivesThroughIdleWithoutBeingAsked() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("before-idle@x", "Before", "a@example.com", null));
    fixture.sync(mailbox);
    InboxWatchers watchers = fixture.bean(InboxWatchers.class);
    try {
      watchers.reconcile();
      assertThat(watchers.isWatching(mailbox.id())).isTrue();

      fixture.deliver(mailbox, mail("pushed@x", "Pushed to us", "friend@example.com", null));
      MessageReceived received = fixture.awaitEvent(mailbox, MessageReceived.class);

      assertThat(received.message().subject()).isEqualTo("Pushed to us");
      assertThat(of(fixture.eventsOf(mailbox), MessageReceived.class)).hasSize(1);
    } finally {
      watchers.stopAll();
    }
  }
}
