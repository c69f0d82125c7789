package dev.mailroom.sync;

import static dev.mailroom.sync.SyncFixture.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.event.Event;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.event.MailboxSyncFailed;
import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.model.event.MessageUpdated;
import dev.mailroom.model.message.Direction;
import dev.mailroom.provider.testing.FaultInjectingProvider;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.SkippedMessage;
import dev.mailroom.store.mailbox.SyncState;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.purge.DataPurge;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * The admin API deletes a mailbox while a worker syncs it: the pages the worker stores after the
   * purge are removed by the worker itself once it finds the mailbox gone, and nothing is
   * announced.
   */
  @Test
  void aMailboxDeletedDuringItsSyncEndsWithNothingStored() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    for (int i = 0; i < 45; i++) {
      fixture.deliver(mailbox, mail("gone-" + i + "@x", "Gone " + i, "boss@example.com", null));
    }
    DataPurge purge = fixture.bean(DataPurge.class);
    java.util.concurrent.CountDownLatch deleted = new java.util.concurrent.CountDownLatch(1);
    FaultInjectingProvider.FETCH_HOOK.set(
        () -> {
          purge.purgeMailbox(mailbox.tenantId(), mailbox.id()).block();
          deleted.countDown();
        });
    // After the first batch (20 of 45) is stored: the second is fetched from a deleted mailbox.
    FaultInjectingProvider.FETCHES_BEFORE_HOOK.set(1);
    fixture.command(
        new SyncMailbox(
            Ids.newId("cmd"),
            mailbox.tenantId(),
            mailbox.id(),
            SyncMode.INCREMENTAL,
            SyncTrigger.ON_DEMAND,
            Instant.now()));
    assertThat(deleted.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // Long enough for the worker to store the batch it had fetched, and to notice.
    Thread.sleep(3_000);
    String prefix = BlobKeys.mailboxPrefix(mailbox.tenantId(), mailbox.id());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while ((!stored(mailbox).isEmpty()
            || !fixture.bean(BlobStore.class).keys(prefix).block().isEmpty())
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(stored(mailbox)).isEmpty();
    assertThat(fixture.bean(BlobStore.class).keys(prefix).block()).isEmpty();
    assertThat(of(fixture.eventsOf(mailbox), MailboxSyncCompleted.class)).isEmpty();
    assertThat(
            fixture
                .bean(MailboxRepository.class)
                .findById(mailbox.tenantId(), mailbox.id())
                .block())
        .isNull();
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
  void aReplyInALaterSyncJoinsTheStoredThreadAndSoDoesAParentArrivingAfterItsReply()
      throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("later-root@x", "Offsite", "cfo@example.com", null));
    fixture.sync(mailbox);
    fixture.deliver(
        mailbox, mail("later-reply@x", "Re: Offsite", "ceo@example.com", "later-root@x"));
    assertThat(fixture.sync(mailbox).messagesAdded()).isEqualTo(1);

    // The reply comes first, its parent in a later sync.
    fixture.deliver(
        mailbox, mail("early-reply@x", "Re: Hiring", "cto@example.com", "late-parent@x"));
    fixture.sync(mailbox);
    fixture.deliver(mailbox, mail("late-parent@x", "Hiring", "hr@example.com", null));
    assertThat(fixture.sync(mailbox).messagesAdded()).isEqualTo(1);

    var threadOf =
        stored(mailbox).stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    StoredMessage::rfcMessageId, StoredMessage::threadId));
    assertThat(threadOf).hasSize(4);
    assertThat(threadOf.get("later-reply@x")).isEqualTo(threadOf.get("later-root@x"));
    assertThat(threadOf.get("late-parent@x")).isEqualTo(threadOf.get("early-reply@x"));
    assertThat(threadOf.get("late-parent@x")).isNotEqualTo(threadOf.get("later-root@x"));
    var sync = fixture.reload(mailbox).sync();
    assertThat(sync.state()).isEqualTo("idle");
    assertThat(sync.lastError()).isNull();
  }

  @Test
  void aMessageTheServerCannotServeIsSetAsideShownAndRetriedWhileTheRestSyncs() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("before-poison@x", "Before", "a@example.com", null));
    fixture.sync(mailbox);
    FaultInjectingProvider.POISON_ARMED.set(true);
    for (int i = 0; i < 3; i++) {
      fixture.deliver(mailbox, mail("fine-" + i + "@x", "Fine " + i, "a@example.com", null));
    }
    fixture.deliver(
        mailbox,
        FaultInjectingProvider.POISON_HEADER
            + ": yes\r\n"
            + mail("poison@x", "Damaged", "a@example.com", null));
    for (int i = 3; i < 6; i++) {
      fixture.deliver(mailbox, mail("fine-" + i + "@x", "Fine " + i, "a@example.com", null));
    }

    assertThat(fixture.sync(mailbox).messagesAdded()).as("all but the damaged one").isEqualTo(6);
    SyncState state = fixture.reload(mailbox).sync();
    assertThat(state.state()).isEqualTo("idle");
    assertThat(state.failures()).isZero();
    SkippedMessage skipped = state.skipped().get(0);
    assertThat(state.skipped()).hasSize(1);
    assertThat(skipped.folder()).isEqualTo("INBOX");
    assertThat(skipped.attempts()).isEqualTo(1);
    assertThat(skipped.lastError()).contains("could not be fetched");
    assertThat(skipped.nextAttemptAt()).isAfter(Instant.now());

    // Not due yet: the next pass leaves it alone and takes the new mail.
    fixture.deliver(mailbox, mail("after-poison@x", "After", "a@example.com", null));
    assertThat(fixture.sync(mailbox).messagesAdded()).isEqualTo(1);
    assertThat(fixture.reload(mailbox).sync().skipped())
        .singleElement()
        .extracting(SkippedMessage::attempts)
        .isEqualTo(1);

    // Its turn comes, and the server serves it now: stored and announced as the new mail it was.
    makeSetAsideDue(mailbox);
    FaultInjectingProvider.POISON_ARMED.set(false);
    assertThat(fixture.sync(mailbox).messagesAdded()).isEqualTo(1);
    assertThat(fixture.reload(mailbox).sync().skipped()).isEmpty();
    assertThat(stored(mailbox)).hasSize(9);
    assertThat(of(fixture.eventsOf(mailbox), MessageReceived.class))
        .extracting(r -> r.message().subject())
        .containsExactlyInAnyOrder(
            "Fine 0", "Fine 1", "Fine 2", "Fine 3", "Fine 4", "Fine 5", "After", "Damaged");
  }

  @Test
  void aMessageTheServerSilentlyLeavesOutOfAFetchIsSetAsideAndFetchedLater() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("first@x", "First", "a@example.com", null));
    fixture.sync(mailbox);
    FaultInjectingProvider.OMISSIONS_ARMED.set(true);
    fixture.deliver(mailbox, mail("served@x", "Served", "a@example.com", null));
    fixture.deliver(
        mailbox,
        FaultInjectingProvider.OMITTED_HEADER
            + ": yes\r\n"
            + mail("left-out@x", "Left out", "a@example.com", null));

    assertThat(fixture.sync(mailbox).messagesAdded()).isEqualTo(1);
    assertThat(fixture.reload(mailbox).sync().skipped())
        .singleElement()
        .extracting(SkippedMessage::lastError)
        .asString()
        .contains("not returned by the provider");

    makeSetAsideDue(mailbox);
    FaultInjectingProvider.OMISSIONS_ARMED.set(false);
    assertThat(fixture.sync(mailbox).messagesAdded()).isEqualTo(1);
    assertThat(fixture.reload(mailbox).sync().skipped()).isEmpty();
    assertThat(stored(mailbox)).hasSize(3);
  }

  /** Makes the first message set aside due for its next attempt now. */
  private void makeSetAsideDue(Mailbox mailbox) {
    SyncState waiting = fixture.reload(mailbox).sync();
    SkippedMessage skipped = waiting.skipped().get(0);
    SkippedMessage due =
        new SkippedMessage(
            skipped.providerMessageId(),
            skipped.folder(),
            skipped.attempts(),
            skipped.lastError(),
            skipped.firstFailedAt(),
            skipped.lastFailedAt(),
            Instant.now().minusSeconds(1),
            skipped.announce());
    replaceSync(mailbox, List.of(due), waiting.cursor());
  }

  @Test
  void aMailboxSyncedWithoutACursorResumesFromWhatIsStored() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("kept-1@x", "Kept", "a@example.com", null));
    fixture.deliver(mailbox, mail("gone-1@x", "Gone", "a@example.com", null));
    fixture.sync(mailbox);
    // As a version that kept no cursor left it: synced, with folders shown, but no cursor.
    replaceSync(mailbox, fixture.reload(mailbox).sync().skipped(), null);
    fixture.atServer(
        mailbox,
        "INBOX",
        (store, inbox) -> {
          inbox.open(Folder.READ_WRITE);
          inbox.getMessages()[1].setFlag(Flags.Flag.DELETED, true);
          inbox.close(true);
        });
    fixture.deliver(mailbox, mail("new-1@x", "Came meanwhile", "a@example.com", null));

    MailboxSyncCompleted result = fixture.sync(mailbox);

    assertThat(result.messagesAdded()).isEqualTo(1);
    assertThat(result.messagesDeleted()).isEqualTo(1);
    assertThat(stored(mailbox))
        .extracting(StoredMessage::subject)
        .containsExactlyInAnyOrder("Kept", "Came meanwhile");
    assertThat(of(fixture.eventsOf(mailbox), MessageReceived.class))
        .extracting(r -> r.message().subject())
        .containsExactly("Came meanwhile");
    assertThat(fixture.reload(mailbox).sync().cursor()).isNotNull();
  }

  /**
   * Queues a change of read state ({@code read} null leaves it) and added labels, as the gateway
   * does for the Access API's modify; returns the command's id.
   */
  private String modify(Mailbox mailbox, List<String> ids, Boolean read, List<String> add) {
    String commandId = dev.mailroom.model.envelope.Ids.newId("cmd");
    fixture.command(
        new dev.mailroom.model.command.ModifyMessages(
            commandId, mailbox.tenantId(), mailbox.id(), ids, read, add, List.of(), Instant.now()));
    return commandId;
  }

  /** Stores the mailbox's sync state as it is now, but for its set-aside messages and cursor. */
  private void replaceSync(Mailbox mailbox, List<SkippedMessage> skipped, String cursor) {
    SyncState now = fixture.reload(mailbox).sync();
    fixture
        .bean(MailboxRepository.class)
        .updateSync(
            mailbox.tenantId(),
            mailbox.id(),
            new SyncState(
                now.state(),
                now.backfilled(),
                now.folders(),
                now.messagesDone(),
                now.messagesTotal(),
                now.lastSuccessAt(),
                now.lastErrorAt(),
                now.lastError(),
                now.failures(),
                now.nextRetryAt(),
                skipped,
                cursor))
        .block();
  }

  @Test
  void aFailingSyncShowsInTheStatusAndIsAnnouncedOncePerStreak() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("streak@x", "Streak", "a@example.com", null));
    fixture.sync(mailbox);

    // The server cannot be reached for every redelivery of one command.
    FaultInjectingProvider.LISTINGS_TO_FAIL.set(1_000);
    requestSync(mailbox);
    MailboxSyncFailed failed = fixture.awaitEvent(mailbox, MailboxSyncFailed.class);
    assertThat(failed.reason()).contains("connection refused");
    assertThat(failed.nextRetryAt()).isAfter(failed.failedAt());
    SyncState state = awaitSyncState(mailbox, s -> s.failures() >= 3);
    assertThat(state.state()).isEqualTo("error");
    assertThat(state.lastError()).contains("connection refused");
    assertThat(state.nextRetryAt()).isAfter(state.lastErrorAt());
    assertThat(of(fixture.eventsOf(mailbox), MailboxSyncFailed.class))
        .as("once per streak, not per retry")
        .hasSize(1);

    // It heals: the streak ends, and the next failure starts a new one.
    FaultInjectingProvider.LISTINGS_TO_FAIL.set(0);
    fixture.sync(mailbox);
    state = fixture.reload(mailbox).sync();
    assertThat(state.state()).isEqualTo("idle");
    assertThat(state.failures()).isZero();
    assertThat(state.nextRetryAt()).isNull();

    // A fault of our own is shown with a reference, not retried at once, and announced.
    FaultInjectingProvider.LISTINGS_TO_BREAK.set(1);
    requestSync(mailbox);
    state = awaitSyncState(mailbox, s -> s.failures() == 1);
    assertThat(state.lastError()).startsWith("Internal error while syncing (reference err_");
    assertThat(state.lastError()).doesNotContain("injected");
    assertThat(of(fixture.eventsOf(mailbox), MailboxSyncFailed.class)).hasSize(2);
    assertThat(fixture.reload(mailbox).sync().failures()).as("no redelivery").isEqualTo(1);
    assertThat(fixture.sync(mailbox).messagesTotal()).isEqualTo(1);
  }

  private void requestSync(Mailbox mailbox) {
    fixture.command(
        new dev.mailroom.model.command.SyncMailbox(
            dev.mailroom.model.envelope.Ids.newId("cmd"),
            mailbox.tenantId(),
            mailbox.id(),
            dev.mailroom.model.command.SyncMode.INCREMENTAL,
            dev.mailroom.model.command.SyncTrigger.ON_DEMAND,
            Instant.now()));
  }

  private SyncState awaitSyncState(Mailbox mailbox, java.util.function.Predicate<SyncState> until)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    SyncState state = fixture.reload(mailbox).sync();
    while (!until.test(state) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      state = fixture.reload(mailbox).sync();
    }
    assertThat(until.test(state)).as("sync state reached: " + state).isTrue();
    return state;
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

    String modifyId = modify(mailbox, List.of(byId.get("c-1@x")), true, List.of("customer"));
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

  /** One message the provider no longer has is logged and passed over, not the whole command. */
  @Test
  void aChangeToAMessageGoneAtTheServerDoesNotStopTheOthers() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    fixture.deliver(mailbox, mail("g-1@x", "Gone already", "a@example.com", null));
    fixture.deliver(mailbox, mail("g-2@x", "Still here", "a@example.com", null));
    fixture.sync(mailbox);
    var byId =
        stored(mailbox).stream()
            .collect(
                java.util.stream.Collectors.toMap(StoredMessage::rfcMessageId, StoredMessage::id));
    fixture.atServer(
        mailbox,
        "INBOX",
        (store, inbox) -> {
          inbox.open(Folder.READ_WRITE);
          inbox.getMessage(1).setFlag(Flags.Flag.DELETED, true);
          inbox.close(true);
        });

    modify(mailbox, List.of(byId.get("g-1@x"), byId.get("g-2@x")), true, List.of());
    fixture.awaitEvent(mailbox, MessageUpdated.class);

    fixture.atServer(
        mailbox,
        "INBOX",
        (store, inbox) -> {
          inbox.open(Folder.READ_ONLY);
          assertThat(inbox.getMessageCount()).isEqualTo(1);
          assertThat(inbox.getMessage(1).isSet(Flags.Flag.SEEN)).isTrue();
        });
    assertThat(of(fixture.eventsOf(mailbox), MessageUpdated.class))
        .extracting(MessageUpdated::messageId)
        .containsExactly(byId.get("g-2@x"));
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
    modify(mailbox, List.of(message.id()), null, List.of("\\Deleted", "\\Seen", "kept"));
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

  /**
   * A batch's parts go to S3 as one pack object, not two or three objects per message, and every
   * raw message, body and attachment reads back as exactly its own bytes.
   */
  @Test
  void eachBatchIsOnePackAndEveryPartReadsBackAsItsOwn() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    Map<String, byte[]> attachments = new HashMap<>();
    for (int i = 0; i < 45; i++) {
      if (i % 10 == 3) {
        byte[] content = new byte[5_000 + i];
        new java.util.Random(i).nextBytes(content);
        attachments.put("part-" + i + ".bin", content);
        fixture.deliver(
            mailbox,
            withAttachment("pack-" + i + "@x", "Pack " + i, "part-" + i + ".bin", content));
      } else {
        fixture.deliver(mailbox, mail("pack-" + i + "@x", "Pack " + i, "boss@example.com", null));
      }
    }

    assertThat(fixture.sync(mailbox).messagesAdded()).isEqualTo(45);

    BlobStore blobs = fixture.bean(BlobStore.class);
    String prefix = BlobKeys.mailboxPrefix(mailbox.tenantId(), mailbox.id());
    assertThat(blobs.keys(prefix).block())
        .as("three batches of at most 20, one pack each")
        .hasSize(3)
        .allMatch(key -> key.startsWith(prefix + "packs/"));
    List<StoredMessage> all = stored(mailbox);
    assertThat(all).hasSize(45);
    for (StoredMessage m : all) {
      String raw = new String(blobs.get(m.rawKey()).block(), StandardCharsets.UTF_8);
      assertThat(raw).as(m.subject()).contains("Subject: " + m.subject() + "\r\n");
      assertThat(raw).containsOnlyOnce("Subject: ");
      if (m.attachments().isEmpty()) {
        assertThat(new String(blobs.get(m.textKey()).block(), StandardCharsets.UTF_8).strip())
            .isEqualTo("Hello, this is " + m.subject() + ".");
      } else {
        var attachment = m.attachments().get(0);
        assertThat(blobs.get(attachment.blobKey()).block())
            .as(attachment.filename())
            .isEqualTo(attachments.get(attachment.filename()));
      }
    }
  }

  @Test
  void largeMessagesAreSpooledFetchedInByteBoundedBatchesAndStoredWhole() throws Exception {
    Mailbox mailbox = fixture.mailbox();
    Instant started = Instant.now();
    Map<String, byte[]> attachments = new HashMap<>();
    for (int i = 1; i <= 3; i++) {
      // 3 MB each: spooled (over 1 MB), and no two fit the fixture's 4 MB batch bound.
      byte[] content = new byte[3 * 1024 * 1024];
      new java.util.Random(i).nextBytes(content);
      attachments.put("scan-" + i + ".bin", content);
      fixture.deliver(
          mailbox,
          withAttachment("large-" + i + "@x", "Large " + i, "scan-" + i + ".bin", content));
    }

    MailboxSyncCompleted completed = fixture.sync(mailbox);

    assertThat(completed.messagesTotal()).isEqualTo(3);
    BlobStore blobs = fixture.bean(BlobStore.class);
    List<StoredMessage> large = stored(mailbox);
    assertThat(large).hasSize(3);
    for (StoredMessage m : large) {
      byte[] raw = blobs.get(m.rawKey()).block();
      assertThat(raw.length).as("raw of " + m.subject()).isGreaterThan(4_000_000);
      assertThat(new String(raw, 0, 2000, StandardCharsets.US_ASCII))
          .contains("Subject: " + m.subject());
      assertThat(m.attachments()).hasSize(1);
      var attachment = m.attachments().get(0);
      assertThat(blobs.get(attachment.blobKey()).block())
          .as(attachment.filename())
          .isEqualTo(attachments.get(attachment.filename()));
    }
    try (var spool = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertThat(
              spool
                  .filter(f -> f.getFileName().toString().startsWith("mailroom-fetch-"))
                  .filter(f -> f.toFile().lastModified() >= started.toEpochMilli() - 1000))
          .as("spool files are deleted once stored")
          .isEmpty();
    }
  }

  private static String withAttachment(
      String messageId, String subject, String filename, byte[] content) {
    String base64 =
        java.util.Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(content);
    return "Message-ID: <"
        + messageId
        + ">\r\n"
        + "From: scanner@example.com\r\nTo: me@example.com\r\nSubject: "
        + subject
        + "\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe scan is attached.\r\n"
        + "--b1\r\nContent-Type: application/octet-stream; name=\""
        + filename
        + "\"\r\n"
        + "Content-Disposition: attachment; filename=\""
        + filename
        + "\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + base64
        + "\r\n--b1--\r\n";
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
