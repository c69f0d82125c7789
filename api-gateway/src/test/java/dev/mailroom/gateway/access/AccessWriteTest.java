package dev.mailroom.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.model.command.DeleteMessage;
import dev.mailroom.model.command.ModifyMessages;
import dev.mailroom.model.command.SendKind;
import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Payload;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.PendingBody;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.outbox.OutboxRecord.OutboxStatus;
import dev.mailroom.store.outbox.OutboxRepository;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessWriteTest {
  private static final Instant T = Instant.parse("2026-02-07T14:30:00Z");
  private static final EnvelopeCodec CODEC = new EnvelopeCodec();
  private GatewayFixture gateway;
  private Tenant tenant;
  private String token;
  private TopicTap sendCommands;
  private TopicTap mailboxCommands;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    tenant = gateway.tenant("me@example.com", "other@example.com");
    token = gateway.fullToken(tenant.id());
    sendCommands =
        new TopicTap(infrastructure.endpoints().kafkaBootstrapServers(), Topics.COMMANDS_SEND);
    mailboxCommands =
        new TopicTap(infrastructure.endpoints().kafkaBootstrapServers(), Topics.COMMANDS_MAILBOX);
  }

  @AfterAll
  void tearDown() {
    sendCommands.close();
    mailboxCommands.close();
  }

  private Map<String, Object> post(String uri, Object body, int status) {
    return gateway
        .client()
        .post()
        .uri(uri)
        .header("Authorization", "Bearer " + token)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isEqualTo(status)
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @SuppressWarnings("unchecked")
  private <P extends Payload> P command(TopicTap tap, Class<P> type, Predicate<P> match) {
    var record =
        tap.await(
            r -> {
              Object data = CODEC.decode(r.value()).data();
              return type.isInstance(data) && match.test((P) data);
            },
            Duration.ofSeconds(20));
    return (P) CODEC.decode(record.value()).data();
  }

  /** A send from the second mailbox, named by its address as stored, plus {@code extra}. */
  private static Map<String, Object> from(Map<String, Object> extra) {
    Map<String, Object> body = new java.util.HashMap<>();
    body.put("to", List.of(Map.of("email", "a@example.com")));
    body.put("subject", "s");
    body.put("body", "b");
    body.put("sendFrom", "other@example.com");
    if (extra != null) {
      body.putAll(extra);
    }
    return body;
  }

  /** The connectionId of the tenant's mailbox number {@code index}. */
  private long connectionId(int index) {
    Map<?, ?> mailbox =
        gateway
            .client()
            .get()
            .uri("/v1/mailboxes/" + tenant.mailboxIds().get(index))
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    return ((Number) mailbox.get("connectionId")).longValue();
  }

  private WebTestClient.BodyContentSpec read(String publicId) {
    return gateway
        .client()
        .get()
        .uri("/api/access/email/messages/" + publicId)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody();
  }

  private StoredMessage stored(String publicId) {
    return gateway
        .bean(MessageRepository.class)
        .findByIdIncludingDeleted(tenant.id(), publicId.substring("imap:".length()))
        .block();
  }

  @Test
  void sendRecordsAQueuedMessageAndPublishesItsCommand() {
    Map<String, Object> result =
        post(
            "/api/access/email/messages/send",
            Map.of(
                "to", List.of(Map.of("email", "recipient@example.com", "name", "John Doe")),
                "cc", List.of(Map.of("email", "cc@example.com")),
                "subject", "Meeting Follow-up",
                "body", "<p>Thanks for meeting today.</p>",
                "importance", "high"),
            200);
    assertThat(result.get("success")).isEqualTo(true);
    assertThat((String) result.get("emailId")).startsWith("imap:msg_");
    assertThat((String) result.get("threadId")).startsWith("imap:thr_");
    assertThat(result.get("errorMessage")).isNull();

    StoredMessage message = stored((String) result.get("emailId"));
    assertThat(message.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(message.mailboxId()).as("the default mailbox").isEqualTo(tenant.mailboxIds().get(0));
    assertThat(message.labels()).contains("SENT");
    SendMessage command =
        command(sendCommands, SendMessage.class, c -> c.messageId().equals(message.id()));
    assertThat(command.kind()).isEqualTo(SendKind.NEW);
    assertThat(command.htmlBody()).isEqualTo("<p>Thanks for meeting today.</p>");
    assertThat(command.to()).containsExactly(new Participant("recipient@example.com", "John Doe"));
    // A small body rides in the record until the worker stores the raw MIME: no S3 put.
    assertThat(message.pendingBody().html()).isEqualTo("<p>Thanks for meeting today.</p>");
    assertThat(message.htmlKey()).isNull();
    // Kafka acknowledged the command, so its outbox record is marked published (in a batch).
    OutboxRepository outbox = gateway.bean(OutboxRepository.class);
    assertThat(
            Mono.defer(() -> outbox.findById(command.commandId()))
                .filter(record -> record.status() == OutboxStatus.PUBLISHED)
                .repeatWhenEmpty(200, ticks -> ticks.delayElements(Duration.ofMillis(50)))
                .block(Duration.ofSeconds(15)))
        .isNotNull();

    // The sent message is readable at once, body included.
    read((String) result.get("emailId"))
        .jsonPath("$.body")
        .isEqualTo("<p>Thanks for meeting today.</p>")
        .jsonPath("$.importance")
        .isEqualTo("high");
  }

  @Test
  void aBodyTooLargeForTheRecordGoesToS3AndStaysReadable() {
    String html = "<p>" + "x".repeat(PendingBody.LIMIT_BYTES) + "</p>";
    Map<String, Object> result =
        post(
            "/api/access/email/messages/send",
            Map.of(
                "to",
                List.of(Map.of("email", "recipient@example.com")),
                "subject",
                "Long",
                "body",
                html),
            200);

    StoredMessage message = stored((String) result.get("emailId"));
    assertThat(message.pendingBody()).isNull();
    assertThat(gateway.bean(BlobStore.class).get(message.htmlKey()).block())
        .isEqualTo(html.getBytes(StandardCharsets.UTF_8));
    read((String) result.get("emailId")).jsonPath("$.body").isEqualTo(html);
  }

  @Test
  void sendChoosesTheMailboxByConnectionIdOrAddress() {
    long connectionId = connectionId(1);
    Map<String, Object> byConnection =
        post(
            "/api/access/email/messages/send",
            Map.of(
                "to",
                List.of(Map.of("email", "a@example.com")),
                "subject",
                "s",
                "body",
                "b",
                "bodyType",
                "text",
                "connectionId",
                connectionId),
            200);
    assertThat(stored((String) byConnection.get("emailId")).mailboxId())
        .isEqualTo(tenant.mailboxIds().get(1));
    Map<String, Object> byAddress =
        post(
            "/api/access/email/messages/send",
            Map.of(
                "to",
                List.of(Map.of("email", "a@example.com")),
                "subject",
                "s",
                "body",
                "b",
                "sendFrom",
                "OTHER@example.com"),
            200);
    assertThat(stored((String) byAddress.get("emailId")).mailboxId())
        .isEqualTo(tenant.mailboxIds().get(1));
    Map<String, Object> byExactAddress = post("/api/access/email/messages/send", from(null), 200);
    assertThat(stored((String) byExactAddress.get("emailId")).mailboxId())
        .isEqualTo(tenant.mailboxIds().get(1));
    // connectionId wins over sendFrom.
    Map<String, Object> both =
        post("/api/access/email/messages/send", from(Map.of("connectionId", connectionId(0))), 200);
    assertThat(stored((String) both.get("emailId")).mailboxId())
        .isEqualTo(tenant.mailboxIds().get(0));
    // A token scoped to the first mailbox cannot send from the second, however it is named.
    String scoped =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled",
                true,
                "allowedEmailOperations",
                List.of("send_email"),
                "mailboxIds",
                List.of(tenant.mailboxIds().get(0))));
    gateway
        .client()
        .post()
        .uri("/api/access/email/messages/send")
        .header("Authorization", "Bearer " + scoped)
        .bodyValue(from(null))
        .exchange()
        .expectStatus()
        .isBadRequest();
    post(
        "/api/access/email/messages/send",
        Map.of(
            "to",
            List.of(Map.of("email", "a@example.com")),
            "subject",
            "s",
            "body",
            "b",
            "sendFrom",
            "nobody@example.com"),
        400);
  }

  @Test
  void invalidSendsAreRejectedBeforeAnythingIsQueued() {
    long before =
        gateway
            .bean(MessageRepository.class)
            .total(
                new dev.mailroom.store.message.MessageQuery.Builder(
                        tenant.id(), tenant.mailboxIds())
                    .build(),
                10_000)
            .block();
    List<Map<String, Object>> bad =
        List.of(
            Map.of("subject", "s", "body", "b"),
            Map.of("to", List.of(), "subject", "s", "body", "b"),
            Map.of("to", List.of(Map.of("email", "not-an-address")), "subject", "s", "body", "b"),
            Map.of(
                "to",
                List.of(Map.of("email", "a@example.com\r\nBcc: evil@example.com")),
                "subject",
                "s",
                "body",
                "b"),
            Map.of(
                "to",
                List.of(Map.of("email", "a@example.com")),
                "subject",
                "Hi\r\nBcc: evil@example.com",
                "body",
                "b"),
            Map.of(
                "to",
                List.of(Map.of("email", "a@example.com", "name", "Eve\nBcc: x@y.z")),
                "subject",
                "s",
                "body",
                "b"),
            Map.of(
                "to",
                List.of(Map.of("email", "a@example.com")),
                "subject",
                "x".repeat(999),
                "body",
                "b"),
            Map.of("to", List.of(Map.of("email", "a@example.com")), "subject", "s"),
            Map.of(
                "to",
                List.of(Map.of("email", "a@example.com")),
                "subject",
                "s",
                "body",
                "b",
                "bodyType",
                "rtf"),
            Map.of(
                "to",
                List.of(Map.of("email", "a@example.com")),
                "subject",
                "s",
                "body",
                "b",
                "importance",
                "urgent"));
    for (Map<String, Object> body : bad) {
      Map<String, Object> error = post("/api/access/email/messages/send", body, 400);
      assertThat(error.get("code")).as(body.toString()).isEqualTo("INVALID_REQUEST");
      assertThat((List<?>) error.get("fieldErrors")).as(body.toString()).isNotEmpty();
    }
    long after =
        gateway
            .bean(MessageRepository.class)
            .total(
                new dev.mailroom.store.message.MessageQuery.Builder(
                        tenant.id(), tenant.mailboxIds())
                    .build(),
                10_000)
            .block();
    assertThat(after).isEqualTo(before);
  }

  @Test
  void replyAndReplyAllAddressTheRightPeopleInTheSameThread() {
    StoredMessage original =
        gateway.inbound(
            tenant, 0, "msg_orig", "thr_orig", "Re: Plans", "boss@example.com", T, "INBOX");
    Map<String, Object> reply =
        post("/api/access/email/messages/imap:msg_orig/reply", Map.of("body", "<p>OK</p>"), 200);
    assertThat(reply.get("threadId")).isEqualTo("imap:thr_orig");
    StoredMessage sent = stored((String) reply.get("emailId"));
    assertThat(sent.subject()).as("never Re: Re:").isEqualTo("Re: Plans");
    assertThat(sent.to()).extracting(Participant::email).containsExactly("boss@example.com");
    assertThat(sent.inReplyTo()).isEqualTo(original.rfcMessageId());
    assertThat(sent.references()).containsExactly(original.rfcMessageId());
    SendMessage command =
        command(sendCommands, SendMessage.class, c -> c.messageId().equals(sent.id()));
    assertThat(command.kind()).isEqualTo(SendKind.REPLY);
    assertThat(command.originalMessageId()).isEqualTo("msg_orig");

    Map<String, Object> all =
        post(
            "/api/access/email/messages/imap:msg_orig/reply",
            Map.of("body", "x", "replyAll", true, "bodyType", "text"),
            200);
    StoredMessage sentAll = stored((String) all.get("emailId"));
    // The original went to me@example.com (this mailbox) with cc@example.com in copy.
    assertThat(sentAll.to()).extracting(Participant::email).containsExactly("boss@example.com");
    assertThat(sentAll.cc()).extracting(Participant::email).containsExactly("cc@example.com");
  }

  @Test
  void forwardCarriesTheOriginalsAttachmentsWithFwdSubject() {
    gateway.inbound(tenant, 0, "msg_fwd", "thr_fwd", "Report", "boss@example.com", T, "INBOX");
    Map<String, Object> forward =
        post(
            "/api/access/email/messages/imap:msg_fwd/forward",
            Map.of(
                "to",
                List.of(Map.of("email", "colleague@example.com", "name", "Colleague")),
                "body",
                "FYI — see the email below."),
            200);
    StoredMessage sent = stored((String) forward.get("emailId"));
    assertThat(sent.subject()).isEqualTo("Fwd: Report");
    assertThat(sent.inReplyTo()).isNull();
    SendMessage command =
        command(sendCommands, SendMessage.class, c -> c.messageId().equals(sent.id()));
    assertThat(command.kind()).isEqualTo(SendKind.FORWARD);
    assertThat(command.originalMessageId()).isEqualTo("msg_fwd");
    post("/api/access/email/messages/imap:msg_fwd/forward", Map.of("body", "no recipients"), 400);
  }

  @Test
  void controlCharactersFromInboundMailNeverReachAReplyOrForward() {
    gateway.inbound(tenant, 0, "msg_crlf", "thr_crlf", "Hi", "crlf@example.com", T, "INBOX");
    var mongo = gateway.bean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class);
    mongo
        .updateFirst(
            org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id").is("msg_crlf")),
            new org.springframework.data.mongodb.core.query.Update()
                .set("from.name", "Friend\r\nBcc: victim@example.com")
                .set(
                    "attachments",
                    List.of(
                        new dev.mailroom.model.message.Attachment(
                            "att_1",
                            "report.pdf\r\nContent-Type: text/html",
                            "application/pdf",
                            10,
                            false,
                            null,
                            "blob/att_1"))),
            StoredMessage.class)
        .block();
    Map<String, Object> reply =
        post("/api/access/email/messages/imap:msg_crlf/reply", Map.of("body", "x"), 422);
    assertThat(reply.get("code")).isEqualTo("UNSAFE_ORIGINAL");
    assertThat(reply.toString()).contains("original.to[0].name");
    Map<String, Object> forward =
        post(
            "/api/access/email/messages/imap:msg_crlf/forward",
            Map.of("to", List.of(Map.of("email", "colleague@example.com")), "body", "FYI"),
            422);
    assertThat(forward.toString()).contains("original.attachments[0].name");
  }

  @Test
  @SuppressWarnings("unchecked")
  void deleteMovesToTrashWhereOnlyLabelTrashFindsItAndQueuesTheProviderMove() {
    gateway.inbound(
        tenant, 0, "msg_del", "thr_del", "Old news", "boss@example.com", T, "INBOX", "customer");
    delete("imap:msg_del");
    // Recoverable, as seed 001 says: still readable, now in Trash, keeping its own labels.
    read("imap:msg_del").jsonPath("$.labels").isEqualTo(List.of("TRASH", "customer"));
    assertThat(searchIds("subject=old+news")).isEmpty();
    assertThat(searchIds("subject=old+news&label=INBOX")).isEmpty();
    assertThat(searchIds("subject=old+news&label=TRASH")).containsExactly("imap:msg_del");
    assertThat(
            command(mailboxCommands, DeleteMessage.class, c -> c.messageId().equals("msg_del"))
                .mailboxId())
        .isEqualTo(tenant.mailboxIds().get(0));
    // Deleting what is already in Trash destroys nothing: it stays there, readable.
    delete("imap:msg_del");
    assertThat(searchIds("subject=old+news&label=TRASH")).containsExactly("imap:msg_del");
    gateway
        .client()
        .delete()
        .uri("/api/access/email/messages/imap:msg_nothing")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isNotFound();
  }

  private void delete(String publicId) {
    gateway
        .client()
        .delete()
        .uri("/api/access/email/messages/" + publicId)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isNoContent()
        .expectBody()
        .isEmpty();
  }

  @SuppressWarnings("unchecked")
  private List<String> searchIds(String query) {
    Map<String, Object> page =
        gateway
            .client()
            .get()
            .uri("/api/access/email/messages?limit=50&" + query)
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    return ((List<Map<String, Object>>) page.get("emails"))
        .stream().map(e -> (String) e.get("id")).toList();
  }

  private WebTestClient.ResponseSpec patch(String publicId, Object body, String bearer) {
    return gateway
        .client()
        .patch()
        .uri("/api/access/email/messages/" + publicId)
        .header("Authorization", "Bearer " + bearer)
        .bodyValue(body)
        .exchange();
  }

  @Test
  void labelsThatAreNotImapKeywordsAreRefusedBeforeAnythingChanges() {
    gateway.inbound(tenant, 0, "msg_flag", "thr_flag", "Flags", "boss@example.com", T, "INBOX");
    List<Map<String, Object>> refused =
        List.of(
            Map.of("addLabels", List.of("\\Deleted")),
            Map.of("addLabels", List.of("\\Seen")),
            Map.of("removeLabels", List.of("\\Flagged")),
            Map.of("addLabels", List.of("two words")),
            Map.of("addLabels", List.of("a(b")),
            Map.of("addLabels", List.of("a]b")),
            Map.of("addLabels", List.of("100%")),
            Map.of("addLabels", List.of("star*")),
            Map.of("addLabels", List.of("quo\"te")),
            Map.of("addLabels", List.of("{5}")),
            Map.of("addLabels", List.of("caf\u00e9")),
            Map.of("addLabels", List.of("")),
            Map.of("markAsRead", true, "addLabels", List.of("ok", "\\Deleted")));
    for (Map<String, Object> body : refused) {
      String field = body.containsKey("removeLabels") ? "removeLabels" : "addLabels";
      patch("imap:msg_flag", body, token)
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("INVALID_REQUEST")
          .jsonPath("$.fieldErrors[0].field")
          .value(f -> assertThat((String) f).startsWith(field + "["));
    }
    StoredMessage unchanged = stored("imap:msg_flag");
    assertThat(unchanged.labels()).containsExactly("INBOX");
    assertThat(unchanged.read()).isFalse();
    patch("imap:msg_flag", Map.of("addLabels", List.of("Customer-42_ok.$Label")), token)
        .expectStatus()
        .isOk();
  }

  @Test
  @SuppressWarnings("unchecked")
  void unreadIsReadStateNotALabelAndNeedsMarkAsRead() {
    gateway.inbound(tenant, 0, "msg_unr", "thr_unr", "Unread", "boss@example.com", T, "INBOX");
    Map<String, Object> read =
        patch("imap:msg_unr", Map.of("removeLabels", List.of("UNREAD")), token)
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(read.get("isRead")).isEqualTo(true);
    assertThat((List<Object>) read.get("labels")).containsExactly("INBOX");
    ModifyMessages marked =
        command(mailboxCommands, ModifyMessages.class, c -> c.messageIds().contains("msg_unr"));
    assertThat(marked.markAsRead()).isTrue();
    assertThat(marked.addLabels()).isEmpty();

    Map<String, Object> unread =
        patch("imap:msg_unr", Map.of("addLabels", List.of("UNREAD", "IMPORTANT")), token)
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(unread.get("isRead")).isEqualTo(false);
    assertThat((List<Object>) unread.get("labels")).containsExactly("INBOX", "IMPORTANT");
    ModifyMessages unmarked =
        command(
            mailboxCommands,
            ModifyMessages.class,
            c -> c.messageIds().contains("msg_unr") && Boolean.FALSE.equals(c.markAsRead()));
    assertThat(unmarked.addLabels()).containsExactly("IMPORTANT");

    // Read state is mark_as_read's, whichever way it is asked for; labels stay apply_labels'.
    String readOnly =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled",
                true,
                "allowedEmailOperations",
                List.of("view_email", "mark_as_read")));
    String labelsOnly =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled",
                true,
                "allowedEmailOperations",
                List.of("view_email", "apply_labels")));
    patch("imap:msg_unr", Map.of("removeLabels", List.of("UNREAD")), readOnly)
        .expectStatus()
        .isOk();
    patch("imap:msg_unr", Map.of("addLabels", List.of("UNREAD")), labelsOnly)
        .expectStatus()
        .isForbidden();
    patch("imap:msg_unr", Map.of("removeLabels", List.of("UNREAD", "IMPORTANT")), readOnly)
        .expectStatus()
        .isForbidden();
    patch("imap:msg_unr", Map.of("markAsRead", true, "addLabels", List.of("UNREAD")), token)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.fieldErrors[0].field")
        .isEqualTo("markAsRead");
    assertThat(stored("imap:msg_unr").labels()).doesNotContain("UNREAD");
  }

  @Test
  @SuppressWarnings("unchecked")
  void modifyChangesReadStateAndLabels() {
    gateway.inbound(
        tenant, 0, "msg_mod", "thr_mod", "Labels", "boss@example.com", T, "INBOX", "UNREAD");
    Map<String, Object> updated =
        gateway
            .client()
            .patch()
            .uri("/api/access/email/messages/imap:msg_mod")
            .header("Authorization", "Bearer " + token)
            .bodyValue(
                Map.of(
                    "markAsRead",
                    true,
                    "addLabels",
                    List.of("IMPORTANT"),
                    "removeLabels",
                    List.of("UNREAD")))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(updated.get("isRead")).isEqualTo(true);
    assertThat((List<Object>) updated.get("labels"))
        .containsExactlyInAnyOrder("INBOX", "IMPORTANT");
    ModifyMessages command =
        command(mailboxCommands, ModifyMessages.class, c -> c.messageIds().contains("msg_mod"));
    assertThat(command.markAsRead()).isTrue();
    assertThat(command.addLabels()).containsExactly("IMPORTANT");
    gateway
        .client()
        .patch()
        .uri("/api/access/email/messages/imap:msg_mod")
        .header("Authorization", "Bearer " + token)
        .bodyValue(Map.of())
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void aForwardWithoutANoteButBodyTypeHtmlIsSentAsHtml() {
    gateway.inbound(tenant, 0, "msg_fwh", "thr_fwh", "Plan", "boss@example.com", T, "INBOX");
    Map<String, Object> html =
        post(
            "/api/access/email/messages/imap:msg_fwh/forward",
            Map.of("to", List.of(Map.of("email", "colleague@example.com")), "bodyType", "html"),
            200);
    SendMessage command =
        command(
            sendCommands,
            SendMessage.class,
            c -> c.messageId().equals(stored((String) html.get("emailId")).id()));
    assertThat(command.htmlBody()).as("an empty HTML note: the worker quotes as HTML").isEmpty();
    assertThat(command.textBody()).isNull();

    Map<String, Object> text =
        post(
            "/api/access/email/messages/imap:msg_fwh/forward",
            Map.of("to", List.of(Map.of("email", "colleague@example.com")), "bodyType", "text"),
            200);
    SendMessage plain =
        command(
            sendCommands,
            SendMessage.class,
            c -> c.messageId().equals(stored((String) text.get("emailId")).id()));
    assertThat(plain.htmlBody()).isNull();
  }

  @Test
  void aSendThatFailedReadsAsNeverSent() {
    Map<String, Object> result =
        post(
            "/api/access/email/messages/send",
            Map.of(
                "to", List.of(Map.of("email", "nobody@example.com")),
                "subject", "Doomed",
                "body", "never arrives"),
            200);
    String emailId = (String) result.get("emailId");
    read(emailId).jsonPath("$.labels").isEqualTo(List.of("SENT"));
    // As the send worker records a refused submission; records written before it also cleared the
    // label and sent time still say SENT and carry one.
    gateway
        .bean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class)
        .updateFirst(
            org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id")
                    .is(stored(emailId).id())),
            new org.springframework.data.mongodb.core.query.Update()
                .set("status", MessageStatus.FAILED)
                .set("statusReason", "550 mailbox unavailable"),
            StoredMessage.class)
        .block();
    assertThat(stored(emailId).labels()).contains("SENT");
    read(emailId)
        .jsonPath("$.labels")
        .isEmpty()
        .jsonPath("$.sentAt")
        .doesNotExist()
        .jsonPath("$.receivedAt")
        .isNotEmpty();
  }
}
