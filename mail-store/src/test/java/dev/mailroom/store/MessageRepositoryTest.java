package dev.mailroom.store;

import static dev.mailroom.store.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.store.config.MongoIndexes;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageQuery.Position;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithMailroomInfrastructure
class MessageRepositoryTest {
  private static final Instant T = Instant.parse("2026-02-07T12:00:00Z");
  private MessageRepository messages;

  @BeforeEach
  void setUp(InfrastructureEndpoints endpoints) {
    var mongo = StoreFixtures.freshDatabase(endpoints);
    new MongoIndexes(mongo, true).ensure().block();
    messages = new MessageRepository(mongo);
  }

  private static MessageQuery.Builder query() {
    return new MessageQuery.Builder("t1", List.of("m1", "m2"));
  }

  private List<String> ids(MessageQuery query) {
    return messages.search(query).map(StoredMessage::id).collectList().block();
  }

  @Test
  void everyFilterNarrowsTheResult() {
    Attachment pdf = new Attachment("a1", "q.pdf", "application/pdf", 10, false, null, "k");
    messages
        .insert(
            message("a")
                .subject("Q1 Project Update")
                .from("boss@example.com")
                .receivedAt(T)
                .labels("INBOX", "IMPORTANT")
                .build())
        .block();
    messages
        .insert(
            message("b")
                .subject("Invoice 42")
                .from("billing@vendor.com")
                .to("you@example.com")
                .receivedAt(T.plusSeconds(60))
                .read(true)
                .attachment(pdf)
                .build())
        .block();
    messages
        .insert(
            message("c")
                .mailbox("m2")
                .subject("Lunch?")
                .snippet("Résumé attached")
                .receivedAt(T.plusSeconds(120))
                .build())
        .block();
    messages
        .insert(message("x").mailbox("other").subject("Invoice elsewhere").receivedAt(T).build())
        .block();
    messages
        .insert(
            message("y")
                .tenant("t2")
                .mailbox("m1")
                .subject("Invoice of another tenant")
                .receivedAt(T)
                .build())
        .block();

    assertThat(ids(query().build())).containsExactly("c", "b", "a");
    assertThat(ids(query().text("invoice").build())).containsExactly("b");
    assertThat(ids(query().text("project update").build())).containsExactly("a");
    assertThat(ids(query().text("resume").build())).as("accents folded").containsExactly("c");
    assertThat(ids(query().from("BOSS@example.com").build())).containsExactly("a");
    assertThat(ids(query().to("you@example.com").build())).containsExactly("b");
    assertThat(ids(query().subject("voice").build())).as("partial subject").containsExactly("b");
    assertThat(ids(query().subject("(").build())).as("regex characters are literal").isEmpty();
    assertThat(ids(query().label("IMPORTANT").build())).containsExactly("a");
    assertThat(ids(query().unread(true).build())).containsExactly("c", "a");
    assertThat(ids(query().unread(false).build())).containsExactly("b");
    assertThat(ids(query().after(T.plusSeconds(30)).build())).containsExactly("c", "b");
    assertThat(ids(query().before(T.plusSeconds(90)).build())).containsExactly("b", "a");
    assertThat(ids(query().hasAttachment(true).build())).containsExactly("b");
    assertThat(messages.total(query().text("invoice").build(), 100).block()).isEqualTo(1);
  }

  @Test
  void softDeletedAndForeignMessagesAreInvisible() {
    messages.insert(message("a").receivedAt(T).build()).block();
    assertThat(messages.markDeleted("t2", "a", T).block()).isFalse();
    assertThat(messages.findById("t2", "a").blockOptional()).isEmpty();
    assertThat(messages.markDeleted("t1", "a", T).block()).isTrue();
    assertThat(messages.findById("t1", "a").blockOptional()).isEmpty();
    assertThat(ids(query().build())).isEmpty();
    assertThat(messages.findByIdIncludingDeleted("t1", "a").block().labels()).contains("TRASH");
  }

  @Test
  void modifyAddsAndRemovesLabelsAndReadState() {
    messages.insert(message("a").labels("INBOX", "UNREAD").build()).block();
    StoredMessage after =
        messages.modify("t1", "a", true, List.of("IMPORTANT"), List.of("UNREAD"), T).block();
    assertThat(after.read()).isTrue();
    assertThat(after.labels()).containsExactlyInAnyOrder("INBOX", "IMPORTANT");
    assertThat(messages.modify("t2", "a", true, List.of(), List.of(), T).blockOptional()).isEmpty();
  }

  @Test
  void threadsAreReturnedOldestFirst() {
    messages.insert(message("r").thread("t").receivedAt(T.plusSeconds(10)).build()).block();
    messages.insert(message("o").thread("t").receivedAt(T).build()).block();
    messages.insert(message("z").thread("other").receivedAt(T).build()).block();
    assertThat(
            messages
                .findThread("t1", List.of("m1"), "t")
                .map(StoredMessage::id)
                .collectList()
                .block())
        .containsExactly("o", "r");
  }

  /** 1,000 messages paged 37 at a time while newer mail keeps arriving: no duplicate, no gap. */
  @Test
  void keysetPagesNeitherRepeatNorSkipWhileMailArrives() throws Exception {
    for (int i = 0; i < 1000; i++) {
      // Many share a timestamp, so the id must break ties.
      messages
          .insert(message(String.format("m%04d", i)).receivedAt(T.plusSeconds(i / 3)).build())
          .block();
    }
    AtomicBoolean paging = new AtomicBoolean(true);
    AtomicInteger arrived = new AtomicInteger();
    CompletableFuture<Void> newMail =
        CompletableFuture.runAsync(
            () -> {
              while (paging.get()) {
                int n = arrived.incrementAndGet();
                messages
                    .insert(message("new" + n).receivedAt(T.plusSeconds(100_000 + n)).build())
                    .block();
              }
            });
    List<String> seen = new ArrayList<>();
    Position position = null;
    while (true) {
      List<StoredMessage> page =
          messages.search(query().position(position).limit(37).build()).collectList().block();
      page.forEach(m -> seen.add(m.id()));
      if (page.size() < 37) {
        break;
      }
      StoredMessage last = page.get(page.size() - 1);
      position = new Position(last.receivedAt(), last.id());
    }
    paging.set(false);
    newMail.get();

    Set<String> unique = new HashSet<>(seen);
    assertThat(unique).hasSize(seen.size());
    List<String> old = seen.stream().filter(id -> id.startsWith("m")).toList();
    assertThat(old).hasSize(1000);
    assertThat(arrived.get()).isPositive();
  }

  @Test
  void toMatchesEveryRecipientButNotTheSender() {
    messages.insert(message("to").from("me@example.com").to("Ann@Example.com").build()).block();
    messages
        .insert(
            message("cc")
                .from("boss@example.com")
                .to("team@example.com")
                .cc("ann@example.com")
                .build())
        .block();
    messages
        .insert(
            message("bcc")
                .from("me@example.com")
                .to("x@example.com")
                .bcc("ann@example.com")
                .build())
        .block();
    messages.insert(message("sender").from("ann@example.com").to("me@example.com").build()).block();
    messages
        .insert(
            message("self")
                .from("ann@example.com")
                .to("x@example.com")
                .cc("ANN@example.com")
                .build())
        .block();
    assertThat(ids(query().to("ann@example.com").limit(10).build()))
        .containsExactlyInAnyOrder("to", "cc", "bcc", "self");
    assertThat(messages.total(query().to("Ann@example.com").build(), 100).block()).isEqualTo(4);
  }

  @Test
  void trashIsLeftOutOfSearchesUnlessAskedForAndStaysReadable() {
    messages.insert(message("kept").receivedAt(T).build()).block();
    messages
        .insert(message("binned").receivedAt(T.plusSeconds(1)).labels("INBOX", "x").build())
        .block();
    StoredMessage trashed =
        messages.trash("t1", "binned", List.of("TRASH", "x"), T.plusSeconds(5)).block();
    assertThat(trashed.labels()).containsExactly("TRASH", "x");
    assertThat(messages.trash("t1", "binned", List.of("TRASH"), T.plusSeconds(6)).blockOptional())
        .as("already in Trash")
        .isEmpty();
    assertThat(ids(query().limit(10).build())).containsExactly("kept");
    assertThat(ids(query().label("x").limit(10).build())).isEmpty();
    assertThat(ids(query().label("TRASH").limit(10).build())).containsExactly("binned");
    assertThat(messages.total(query().build(), 100).block()).isEqualTo(1);
    assertThat(messages.findById("t1", "binned").block()).isNotNull();
  }

  @Test
  void aCountStopsAtItsCapSoThatAPageCostsTheSameInAnyMailbox() {
    for (int i = 0; i < 25; i++) {
      messages.insert(message("m" + i).receivedAt(T.plusSeconds(i)).build()).block();
    }
    assertThat(messages.total(query().label("INBOX").build(), 10).block()).isEqualTo(10);
    assertThat(messages.total(query().label("INBOX").build(), 100).block()).isEqualTo(25);
    assertThat(messages.total(query().build(), 10).block())
        .as("no index counts an unfiltered list: exact while the scope fits the sample")
        .isEqualTo(25);
  }

  @Test
  void aTotalNoIndexCanCountIsEstimatedFromTheNewestMessages() {
    int stored = 3 * MessageRepository.TOTAL_SAMPLE;
    List<StoredMessage> batch = new ArrayList<>();
    for (int i = 0; i < stored; i++) {
      // Every third is about invoices, the newest 50 all are, and one in ten of the rest is read.
      boolean invoice = i % 3 == 0 || i >= stored - 50;
      batch.add(
          message("m" + i)
              .receivedAt(T.plusSeconds(i))
              .subject(invoice ? "Invoice " + i : "Lunch " + i)
              .read(i % 10 == 0)
              .build());
    }
    messages.insertNew(batch).block();

    assertThat(messages.total(query().build(), 100).block())
        .as("every message in scope matches")
        .isEqualTo(stored);
    long invoices = batch.stream().filter(m -> m.subject().startsWith("Invoice")).count();
    long inSample =
        batch.subList(stored - MessageRepository.TOTAL_SAMPLE, stored).stream()
            .filter(m -> m.subject().startsWith("Invoice"))
            .count();
    assertThat(messages.total(query().subject("invoice").build(), 100).block())
        .as("the newest messages' share, scaled to the scope: near the %d that match", invoices)
        .isEqualTo(Math.round((double) inSample * stored / MessageRepository.TOTAL_SAMPLE))
        .isBetween(invoices * 8 / 10, invoices * 13 / 10);
    assertThat(messages.total(query().subject("invoice").label("INBOX").build(), 10_000).block())
        .as("an indexed filter is counted exactly")
        .isEqualTo(invoices);
  }

  @Test
  void aPageOfProviderReferencesFindsItsStoredMessagesOnly() {
    for (int i = 0; i < 1_200; i++) {
      messages.insert(message("m" + i).providerMessageId("INBOX:7:" + i).build()).block();
    }
    messages.insert(message("other").mailbox("m2").providerMessageId("INBOX:7:5").build()).block();
    messages
        .insert(
            message("foreign").tenant("t2").mailbox("m9").providerMessageId("INBOX:7:6").build())
        .block();
    messages.markDeleted("t1", "m7", T).block();

    List<String> refs = new ArrayList<>();
    for (int i = 0; i < 1_000; i += 2) {
      refs.add("INBOX:7:" + i);
    }
    refs.add("INBOX:7:7"); // deleted: still a stored reference, so not added again
    refs.add("INBOX:7:99999");
    refs.add("INBOX:7:4"); // twice
    var found = messages.findRefs("t1", "m1", refs).collectList().block();

    assertThat(found).hasSize(501);
    assertThat(found)
        .filteredOn(ref -> ref.providerMessageId().equals("INBOX:7:7"))
        .singleElement()
        .satisfies(ref -> assertThat(ref.deletedAt()).isEqualTo(T));
    assertThat(found).extracting(ref -> ref.mailboxId()).containsOnly("m1");
    assertThat(
            messages.findRefs("t2", "m1", List.of("INBOX:7:6", "INBOX:7:8")).collectList().block())
        .isEmpty();
    assertThat(messages.findRefs("t2", "m9", List.of("INBOX:7:6")).collectList().block())
        .extracting(ref -> ref.id())
        .containsExactly("foreign");
  }

  @Test
  void sentMailWaitingForItsProviderCopyIsFoundByItsMessageId() {
    messages.insert(message("msg_a").outbound(MessageStatus.SENT).build()).block();
    messages.insert(message("msg_b").outbound(MessageStatus.QUEUED).build()).block();
    messages.insert(message("msg_c").outbound(MessageStatus.FAILED).build()).block();
    messages.insert(message("msg_d").build()).block(); // received, not sent
    messages.insert(message("msg_e").outbound(MessageStatus.SENT).build()).block();
    messages.setProviderMessageId("t1", "msg_e", "Sent:1:5", List.of()).block(); // matched already

    var pending =
        messages
            .findPendingOutbound(
                "t1",
                "m1",
                List.of(
                    "msg_a@example.com",
                    "msg_b@example.com",
                    "msg_c@example.com",
                    "msg_d@example.com",
                    "msg_e@example.com",
                    "msg_a@elsewhere.example", // same id, another Message-ID
                    "no-at-sign"))
            .block();

    assertThat(pending).containsOnlyKeys("msg_a@example.com", "msg_b@example.com");
    assertThat(pending.get("msg_b@example.com").id()).isEqualTo("msg_b");
    assertThat(messages.findPendingOutbound("t2", "m1", List.of("msg_a@example.com")).block())
        .isEmpty();
  }
}
