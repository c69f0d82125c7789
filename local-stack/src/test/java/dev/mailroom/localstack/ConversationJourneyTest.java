package dev.mailroom.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.InfrastructureEndpoints.MailServerEndpoint;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.infra.mail.DovecotServer;
import dev.mailroom.infra.mail.DovecotSmtpFront;
import dev.mailroom.localstack.LocalStack.Service;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.store.token.TokenPermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.JsonNode;

/**
 * A conversation as two people live it, through the whole suite and real sync on both sides: Alice
 * writes to Bob (copying Carol, who is not connected), Bob syncs and replies to her alone, Alice
 * syncs and replies to all, Alice replies once more to her own sent message, and meanwhile an
 * outsider's reply reaches Bob before the message it answers. Each person sees their own mailbox
 * through a token scoped to it. Run on the embedded mail server and on Dovecot.
 */
class ConversationJourneyTest {
  private static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final EnvelopeCodec CODEC = new EnvelopeCodec();
  private static final String SUBJECT = "Lunch on Friday?";

  private static LocalStack stack;
  private static AdminClient http;

  @BeforeAll
  static void start() {
    stack =
        LocalStack.startReady(
            TestInfrastructure.ephemeralOptions(),
            ADMIN_KEY,
            Map.of(
                "spring.cloud.stream.default.consumer.back-off-initial-interval", "100",
                // The journey asks for every sync itself, so the counts are its own.
                "mailroom.sync.poll-interval", "0s"));
    http = new AdminClient(stack.url(Service.API_GATEWAY));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** A mail server the journey's people have accounts on. */
  private interface MailWorld {
    MailServerEndpoint endpoint();

    void addUser(String address, String password);
  }

  @Test
  void aConversationOnTheEmbeddedMailServer() throws Exception {
    journey(
        new MailWorld() {
          @Override
          public MailServerEndpoint endpoint() {
            return stack.endpoints().mail();
          }

          @Override
          public void addUser(String address, String password) {
            stack.mailServer().addUser(address, password);
          }
        });
  }

  static boolean dovecotAvailable() {
    return DovecotServer.available();
  }

  @Test
  @EnabledIf("dovecotAvailable")
  void aConversationOnDovecot() throws Exception {
    try (DovecotServer dovecot = DovecotServer.start();
        DovecotSmtpFront smtp = DovecotSmtpFront.start(dovecot)) {
      journey(
          new MailWorld() {
            @Override
            public MailServerEndpoint endpoint() {
              return new MailServerEndpoint(dovecot.host(), smtp.port(), dovecot.imapPort());
            }

            @Override
            public void addUser(String address, String password) {
              dovecot.addUser(address, password);
            }
          });
    }
  }

  private void journey(MailWorld world) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String alice = "alice-" + run + "@mailroom.local";
    String bob = "bob-" + run + "@mailroom.local";
    String carol = "carol-" + run + "@mailroom.local";
    world.addUser(alice, "alice-pw");
    world.addUser(bob, "bob-pw");
    world.addUser(carol, "carol-pw");
    String tenant =
        http.expect(201, "POST", "/admin/tenants", ADMIN_KEY, Map.of("name", "Journey " + run))
            .get("id")
            .asString();
    Person a =
        person(
            tenant,
            DemoTenant.createMailbox(
                http, ADMIN_KEY, tenant, world.endpoint(), alice, "Alice", "alice-pw", true));
    Person b =
        person(
            tenant,
            DemoTenant.createMailbox(
                http, ADMIN_KEY, tenant, world.endpoint(), bob, "Bob", "bob-pw", false));

    try (TopicTap events = new TopicTap(stack.endpoints().kafkaBootstrapServers(), Topics.EVENTS)) {
      // Connecting a mailbox starts its first sync; both begin backfilled and empty.
      awaitSyncState(a, "idle");
      awaitSyncState(b, "idle");

      // Day 1: Alice writes to Bob, copying Carol.
      JsonNode sent =
          a.post(
              "/api/access/email/messages/send",
              Map.of(
                  "to",
                  List.of(Map.of("email", bob, "name", "Bob")),
                  "cc",
                  List.of(Map.of("email", carol)),
                  "subject",
                  SUBJECT,
                  "body",
                  "Shall we try the new place?",
                  "bodyType",
                  "text"));
      assertThat(sent.get("success").asBoolean()).isTrue();

      // Bob syncs, finds it and replies.
      JsonNode fromAlice = b.syncUntilFound(events, "Shall we try", SUBJECT);
      JsonNode bobsReply =
          b.post(
              "/api/access/email/messages/" + fromAlice.get("id").asString() + "/reply",
              Map.of("body", "Yes, noon works for me.", "bodyType", "text"));
      assertThat(bobsReply.get("success").asBoolean()).isTrue();
      assertThat(bobsReply.get("threadId").asString())
          .isEqualTo(fromAlice.get("threadId").asString());

      // Alice syncs, finds Bob's reply in her thread and replies to all.
      JsonNode replyAtAlice = a.syncUntilFound(events, "noon works", "Re: " + SUBJECT);
      assertThat(replyAtAlice.get("threadId").asString())
          .isEqualTo(sent.get("threadId").asString());
      JsonNode replyAll =
          a.post(
              "/api/access/email/messages/" + replyAtAlice.get("id").asString() + "/reply",
              Map.of("body", "Great, Carol is coming too.", "bodyType", "text", "replyAll", true));
      assertThat(replyAll.get("success").asBoolean()).isTrue();

      // And once more to her own first message: that goes to its recipients again.
      JsonNode toOwn =
          a.post(
              "/api/access/email/messages/" + sent.get("emailId").asString() + "/reply",
              Map.of("body", "Booked a table for three.", "bodyType", "text"));
      assertThat(toOwn.get("success").asBoolean()).isTrue();

      // An outsider's reply reaches Bob before the message it answers.
      String parentId = "contract-" + run + "@example.com";
      deliver(
          world,
          JourneyMail.plainText(
              "reply-" + parentId,
              JourneyMail.now(),
              "dave@example.com",
              bob,
              "Re: The contract",
              parentId,
              "Signed."));
      b.syncUntilFound(events, "Signed", "Re: The contract");
      deliver(
          world,
          JourneyMail.plainText(
              parentId,
              JourneyMail.now(),
              "erin@example.com",
              bob,
              "The contract",
              null,
              "Please sign it."));
      b.syncUntilFound(events, "Please sign", "The contract");

      // Both sync once more, so every sent copy has met its record.
      b.syncUntilFound(events, "Booked a table", "Re: " + SUBJECT);
      b.syncUntilFound(events, "Carol is coming", "Re: " + SUBJECT);
      a.sync(events);

      // Alice: her three sent messages and Bob's reply, once each, in one thread, in order.
      List<JsonNode> aliceMail = a.all();
      assertThat(aliceMail).hasSize(4);
      assertThat(aliceMail.stream().map(m -> m.get("threadId").asString()).distinct()).hasSize(1);
      JsonNode aliceThread = a.thread(sent.get("threadId").asString());
      assertThat(bodiesOf(aliceThread))
          .as(aliceThread.toString())
          .containsExactly(
              "Shall we try the new place?",
              "Yes, noon works for me.",
              "Great, Carol is coming too.",
              "Booked a table for three.");
      assertThat(aliceMail)
          .filteredOn(m -> labels(m).contains("SENT"))
          .hasSize(3)
          .allMatch(m -> m.at("/from/email").asString().equals(alice));

      // Bob: Alice's three, his reply, and the outsider's pair in a thread of their own.
      List<JsonNode> bobMail = b.all();
      assertThat(bobMail).hasSize(6);
      Map<String, List<String>> bobThreads =
          bobMail.stream()
              .collect(
                  Collectors.groupingBy(
                      m -> m.get("threadId").asString(),
                      Collectors.mapping(m -> m.get("subject").asString(), Collectors.toList())));
      assertThat(bobThreads).hasSize(2);
      JsonNode bobThread = b.thread(fromAlice.get("threadId").asString());
      assertThat(bodiesOf(bobThread))
          .as(bobThread.toString())
          .containsExactly(
              "Shall we try the new place?",
              "Yes, noon works for me.",
              "Great, Carol is coming too.",
              "Booked a table for three.");
      assertThat(bobThreads.values())
          .anySatisfy(
              subjects ->
                  assertThat(subjects)
                      .containsExactlyInAnyOrder("Re: The contract", "The contract"));
      // Bob's reply went to Alice alone, so Alice's reply-all goes back to Bob alone.
      JsonNode replyAllAtBob =
          bobMail.stream()
              .filter(m -> m.get("bodyPreview").asString().contains("Carol is coming"))
              .findFirst()
              .orElseThrow();
      assertThat(replyAllAtBob.at("/to/0/email").asString()).isEqualTo(bob);
      assertThat(replyAllAtBob.get("to").size()).isEqualTo(1);
      assertThat(replyAllAtBob.has("cc") && !replyAllAtBob.get("cc").isNull()).isFalse();
      JsonNode firstAtBob =
          bobMail.stream()
              .filter(m -> m.get("bodyPreview").asString().contains("Shall we try"))
              .findFirst()
              .orElseThrow();
      assertThat(firstAtBob.at("/cc/0/email").asString()).isEqualTo(carol);

      // message.received exactly for the new inbound mail of each mailbox, never for sent copies.
      Map<String, List<String>> received =
          receivedSubjects(events, List.of(a.mailboxId, b.mailboxId));
      assertThat(received.getOrDefault(a.mailboxId, List.of())).containsExactly("Re: " + SUBJECT);
      assertThat(received.getOrDefault(b.mailboxId, List.of()))
          .containsExactlyInAnyOrder(
              SUBJECT, "Re: " + SUBJECT, "Re: " + SUBJECT, "Re: The contract", "The contract");

      for (Person p : List.of(a, b)) {
        JsonNode mailbox = p.get("/v1/mailboxes/" + p.mailboxId);
        assertThat(mailbox.at("/sync/state").asString()).isEqualTo("idle");
        assertThat(mailbox.at("/sync/failures").asInt()).isZero();
        assertThat(mailbox.at("/sync/skipped").size()).isZero();
      }
    }
  }

  /** Someone with a token that sees only their own mailbox. */
  private Person person(String tenant, String mailboxId) {
    String token =
        http.expect(
                201,
                "POST",
                "/admin/tenants/" + tenant + "/tokens",
                ADMIN_KEY,
                Map.of(
                    "name",
                    "owner of " + mailboxId,
                    "permissions",
                    Map.of(
                        "emailAccessEnabled",
                        true,
                        "allowedEmailOperations",
                        TokenPermissions.EMAIL_OPERATIONS,
                        "mailboxIds",
                        List.of(mailboxId))))
            .get("token")
            .asString();
    return new Person(mailboxId, token);
  }

  private record Person(String mailboxId, String token) {
    JsonNode post(String path, Object body) {
      return http.expect(200, "POST", path, token, body);
    }

    JsonNode get(String path) {
      return http.expect(200, "GET", path, token, null);
    }

    /** Asks for a sync and waits for its completion event. */
    void sync(TopicTap events) {
      String commandId =
          http.expect(202, "POST", "/v1/mailboxes/" + mailboxId + "/sync", token, null)
              .get("commandId")
              .asString();
      events.await(
          r -> {
            Envelope<?> e = CODEC.decode(r.value());
            return e.data() instanceof MailboxSyncCompleted c && c.commandId().equals(commandId);
          },
          WAIT);
    }

    /** Syncs until a message with this body text and subject is there (mail takes a moment). */
    JsonNode syncUntilFound(TopicTap events, String bodyText, String subject) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        sync(events);
        for (JsonNode m : all()) {
          if (m.get("subject").asString().equals(subject)
              && m.get("bodyPreview").asString().contains(bodyText)
              && !labels(m).contains("SENT")) {
            return m;
          }
        }
        assertThat(System.nanoTime())
            .as("'" + subject + "' (" + bodyText + ") reached " + mailboxId)
            .isLessThan(deadline);
        JourneyMail.sleep(300);
      }
    }

    /** Every message this person's token sees, newest first. */
    List<JsonNode> all() {
      JsonNode page = get("/api/access/email/messages?limit=50");
      List<JsonNode> emails = new ArrayList<>();
      page.get("emails").forEach(emails::add);
      return emails;
    }

    JsonNode thread(String threadId) {
      return get("/api/access/email/threads/" + threadId);
    }
  }

  private static void awaitSyncState(Person p, String state) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!state.equals(p.get("/v1/mailboxes/" + p.mailboxId).at("/sync/state").asString())) {
      assertThat(System.nanoTime()).as(p.mailboxId + " reaches " + state).isLessThan(deadline);
      JourneyMail.sleep(200);
    }
  }

  private static List<String> bodiesOf(JsonNode thread) {
    List<String> bodies = new ArrayList<>();
    thread.get("messages").forEach(m -> bodies.add(m.get("bodyPreview").asString()));
    return bodies;
  }

  private static List<String> labels(JsonNode email) {
    List<String> labels = new ArrayList<>();
    email.get("labels").forEach(l -> labels.add(l.asString()));
    return labels;
  }

  private static Map<String, List<String>> receivedSubjects(
      TopicTap events, List<String> mailboxIds) {
    return events.drain(Duration.ofSeconds(1)).stream()
        .map(r -> CODEC.decode(r.value()))
        .filter(e -> mailboxIds.contains(e.subject()) && e.data() instanceof MessageReceived)
        .collect(
            Collectors.groupingBy(
                Envelope::subject,
                Collectors.mapping(
                    e -> ((MessageReceived) e.data()).message().subject(), Collectors.toList())));
  }

  /** Mail from outside, handed to the world's SMTP server. */
  private static void deliver(MailWorld world, String raw) throws Exception {
    JourneyMail.handOver(world.endpoint().host(), world.endpoint().smtpPort(), null, null, raw);
  }
}
