package dev.mailroom.sync;

import static dev.mailroom.sync.SyncFixture.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.mail.DovecotServer;
import dev.mailroom.model.event.Event;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.model.event.MessageUpdated;
import dev.mailroom.provider.testing.FaultInjectingProvider;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Sync against Dovecot, a full IMAP server: a 10,000-message backfill (which GreenMail serves too
 * slowly) interrupted half-way, and incremental passes over CONDSTORE.
 */
@WithMailroomInfrastructure
@EnabledIf("dev.mailroom.infra.mail.DovecotServer#available")
class DovecotSyncTest {
  private static final int LARGE = 10_000;
  private static DovecotServer dovecot;
  private SyncFixture fixture;

  @BeforeAll
  static void startDovecot() {
    dovecot = DovecotServer.start();
  }

  @AfterAll
  static void stopDovecot() {
    dovecot.close();
  }

  @BeforeEach
  void setUp(TestInfrastructure infrastructure) {
    fixture = SyncFixture.shared(infrastructure);
  }

  @AfterEach
  void disarm() {
    FaultInjectingProvider.disarm();
  }

  private Mailbox mailbox() {
    String address = "dovecot-" + UUID.randomUUID() + "@mailroom.local";
    dovecot.addUser(address, "pw");
    return fixture.mailbox(address, dovecot.host(), dovecot.imapPort(), 1);
  }

  private void deliver(Mailbox mailbox, String raw, boolean seen) {
    dovecot.deliver(mailbox.address(), "INBOX", raw.getBytes(StandardCharsets.UTF_8), seen);
  }

  private long storedCount(Mailbox mailbox) {
    return fixture
        .bean(MessageRepository.class)
        .search(
            new MessageQuery.Builder(mailbox.tenantId(), List.of(mailbox.id()))
                .limit(LARGE + 100)
                .build())
        .count()
        .block();
  }

  private static <E> List<E> of(List<Event> events, Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void tenThousandMessagesBackfillOnceThroughAnInterruptionAndAnnounceNothing() {
    Mailbox mailbox = mailbox();
    for (int i = 0; i < LARGE; i++) {
      deliver(
          mailbox, mail("big-" + i + "@x", "Backlog " + i, "boss@example.com", null), i % 3 == 0);
    }
    // The connection drops after 60 batches (1,200 messages); the retry resumes from there.
    FaultInjectingProvider.FETCHES_BEFORE_FAILURE.set(60);

    MailboxSyncCompleted backfill = fixture.sync(mailbox, Duration.ofMinutes(5));

    assertThat(FaultInjectingProvider.FETCHES_BEFORE_FAILURE.get()).as("fault fired").isNegative();
    assertThat(backfill.messagesTotal()).isEqualTo(LARGE);
    assertThat(storedCount(mailbox)).isEqualTo(LARGE);
    Mailbox after = fixture.reload(mailbox);
    assertThat(after.sync().backfilled()).isTrue();
    assertThat(after.sync().messagesDone()).isEqualTo(LARGE);
    assertThat(after.sync().messagesTotal()).isEqualTo(LARGE);
    List<Event> events = fixture.eventsOf(mailbox);
    assertThat(of(events, MessageReceived.class)).as("backfill is not news").isEmpty();
    assertThat(of(events, MailboxSyncCompleted.class)).hasSize(1);

    StoredMessage sample =
        fixture
            .bean(MessageRepository.class)
            .search(
                new MessageQuery.Builder(mailbox.tenantId(), List.of(mailbox.id()))
                    .limit(1)
                    .build())
            .blockFirst();
    byte[] raw = fixture.bean(BlobStore.class).get(sample.rawKey()).block();
    assertThat(new String(raw, StandardCharsets.UTF_8)).contains("Subject: " + sample.subject());

    deliver(mailbox, mail("after-big@x", "Arrived after", "friend@example.com", null), false);
    MailboxSyncCompleted next = fixture.sync(mailbox);
    assertThat(next.messagesAdded()).isEqualTo(1);
    assertThat(of(fixture.eventsOf(mailbox), MessageReceived.class))
        .extracting(r -> r.message().subject())
        .containsExactly("Arrived after");
  }

  @Test
  void condstorePassesFollowFlagChangesAndExpungesAndSkipQuietFolders() throws Exception {
    Mailbox mailbox = mailbox();
    for (int i = 0; i < 30; i++) {
      deliver(mailbox, mail("cs-" + i + "@x", "Cond " + i, "a@example.com", null), false);
    }
    fixture.sync(mailbox);
    assertThat(fixture.reload(mailbox).sync().folders())
        .filteredOn(f -> f.name().equals("INBOX"))
        .allMatch(f -> f.highestModSeq() > 0);

    MailboxSyncCompleted quiet = fixture.sync(mailbox);
    assertThat(quiet.messagesAdded() + quiet.messagesUpdated() + quiet.messagesDeleted()).isZero();

    fixture.atServer(
        mailbox,
        "INBOX",
        (store, inbox) -> {
          inbox.open(Folder.READ_WRITE);
          Message[] messages = inbox.getMessages();
          messages[4].setFlag(Flags.Flag.SEEN, true);
          messages[5].setFlags(new Flags("customer"), true);
          messages[6].setFlag(Flags.Flag.DELETED, true);
          inbox.close(true);
        });
    MailboxSyncCompleted changed = fixture.sync(mailbox);
    assertThat(changed.messagesUpdated()).isEqualTo(2);
    assertThat(changed.messagesDeleted()).isEqualTo(1);
    List<Event> events = fixture.eventsOf(mailbox);
    assertThat(of(events, MessageUpdated.class))
        .anySatisfy(u -> assertThat(u.read()).isTrue())
        .anySatisfy(u -> assertThat(u.labels()).contains("customer"));
    assertThat(of(events, MessageDeleted.class)).hasSize(1);
    assertThat(storedCount(mailbox)).isEqualTo(29);
  }

  @Test
  void aDeleteMovesToTheSpecialUseTrashAndSyncKeepsOneCopyUnderLabelTrash() throws Exception {
    Mailbox mailbox = mailbox();
    deliver(mailbox, mail("dtr-1@x", "Recover me", "a@example.com", null), false);
    deliver(mailbox, mail("dtr-2@x", "Stay", "a@example.com", null), false);
    fixture.sync(mailbox);
    StoredMessage doomed =
        fixture.search(mailbox, null).stream()
            .filter(m -> m.rfcMessageId().equals("dtr-1@x"))
            .findFirst()
            .orElseThrow();

    fixture.deleteThroughTheApi(mailbox, doomed);
    fixture.sync(mailbox);

    fixture.atServer(
        mailbox,
        "Trash",
        (store, trash) -> {
          trash.open(Folder.READ_ONLY);
          assertThat(trash.getMessageCount()).isEqualTo(1);
          Folder inbox = store.getFolder("INBOX");
          inbox.open(Folder.READ_ONLY);
          assertThat(inbox.getMessageCount()).isEqualTo(1);
        });
    assertThat(fixture.search(mailbox, "TRASH"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.id()).isEqualTo(doomed.id());
              assertThat(m.providerMessageId()).startsWith("Trash:");
            });
    assertThat(fixture.search(mailbox, null))
        .extracting(StoredMessage::rfcMessageId)
        .containsExactly("dtr-2@x");
  }
}
