package dev.mailroom.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.HttpHeaders;

/**
 * Attachments through the Email Access API: ids, Content-IDs and forwarded messages' own
 * attachments in the email, downloads under a safe name, and messages stored before bodies and
 * attachments had their own objects (read from the raw source, as before).
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessAttachmentTest {
  private static final EnvelopeCodec CODEC = new EnvelopeCodec();
  private static final Instant T = Instant.parse("2026-03-02T09:15:00Z");
  private GatewayFixture gateway;
  private Tenant tenant;
  private String token;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) throws Exception {
    gateway = GatewayFixture.shared(infrastructure);
    tenant = gateway.tenant("files@example.com");
    token = gateway.fullToken(tenant.id());
    String mailbox = tenant.mailboxIds().get(0);
    BlobStore blobs = gateway.bean(BlobStore.class);

    // As sync stores mail now: bodies and attachments as their own objects. The raw source is not
    // even the same message, so a read that parsed it would show.
    StoredMessage base =
        gateway.inbound(tenant, 0, "msg_parsed", "thr_a", "Files", "ann@example.com", T, "INBOX");
    String rawKey = BlobKeys.rawMime(tenant.id(), mailbox, "msg_parsed");
    blobs.put(rawKey, "Subject: other\r\n\r\nnot this".getBytes(), "message/rfc822").block();
    List<Attachment> attachments =
        List.of(
            attachment(mailbox, "msg_parsed", "att_1", "logo.png", "image/png", true, "logo@x"),
            attachment(
                mailbox, "msg_parsed", "att_2", "Quarterly.eml", "message/rfc822", false, null),
            attachment(
                mailbox,
                "msg_parsed",
                "att_2_1",
                "../reports/Résumé \"final\".pdf",
                "application/pdf",
                false,
                null));
    for (Attachment a : attachments) {
      blobs
          .put(a.blobKey(), ("content of " + a.id()).getBytes(), "application/octet-stream")
          .block();
    }
    replace(base, "msg_parsed_v2", base.htmlKey(), rawKey, attachments);

    // As sync stored mail before: raw MIME only, attachment metadata without content keys.
    StoredMessage legacy =
        gateway.inbound(tenant, 0, "msg_legacy", "thr_b", "Legacy", "ann@example.com", T, "INBOX");
    String legacyRaw = BlobKeys.rawMime(tenant.id(), mailbox, "msg_legacy");
    blobs
        .put(
            legacyRaw,
            Files.readAllBytes(
                Path.of("../mail-store/src/test/resources/eml/corpus/filename-path-traversal.eml")),
            "message/rfc822")
        .block();
    replace(
        legacy,
        "msg_legacy_v2",
        null,
        legacyRaw,
        List.of(
            new Attachment("att_1", "../../etc/passwd", "text/plain", 11, false, null, null),
            new Attachment(
                "att_2", "reports/2026/q1.pdf", "application/pdf", 15, false, null, null)));
  }

  private Attachment attachment(
      String mailbox,
      String message,
      String id,
      String name,
      String type,
      boolean inline,
      String contentId) {
    return new Attachment(
        id,
        name,
        type,
        ("content of " + id).length(),
        inline,
        contentId,
        BlobKeys.attachment(tenant.id(), mailbox, message, id));
  }

  private void replace(
      StoredMessage m, String id, String htmlKey, String rawKey, List<Attachment> attachments) {
    gateway
        .bean(MessageRepository.class)
        .insert(
            new StoredMessage(
                id,
                m.tenantId(),
                m.mailboxId(),
                m.provider(),
                m.providerMessageId() + "v2",
                m.threadId(),
                m.rfcMessageId(),
                m.inReplyTo(),
                m.references(),
                m.subject(),
                m.subjectKey(),
                m.from(),
                m.to(),
                m.cc(),
                m.bcc(),
                m.fromEmail(),
                m.toEmails(),
                m.participantEmails(),
                m.snippet(),
                null,
                htmlKey,
                rawKey,
                m.sentAt(),
                m.receivedAt(),
                m.read(),
                m.labels(),
                m.importance(),
                true,
                attachments,
                m.direction(),
                m.status(),
                null,
                m.searchTokens(),
                m.createdAt(),
                m.updatedAt(),
                null,
                null))
        .block();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> email(String id) {
    return gateway
        .client()
        .get()
        .uri("/api/access/email/messages/imap:" + id)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @Test
  void anEmailListsContentIdsAndTheAttachmentsOfAForwardedMessage() {
    Map<String, Object> email = email("msg_parsed_v2");
    assertThat(email.get("body")).isEqualTo("<p>Files body</p>");
    assertThat(email.get("attachments"))
        .isEqualTo(
            List.of(
                view("att_1", "logo.png", "image/png", 16, true, "logo@x", null),
                view("att_2", "Quarterly.eml", "message/rfc822", 16, false, null, null),
                view(
                    "att_2_1",
                    "../reports/Résumé \"final\".pdf",
                    "application/pdf",
                    18,
                    false,
                    null,
                    "att_2")));
  }

  private static Map<String, Object> view(
      String id,
      String name,
      String type,
      int size,
      boolean inline,
      String contentId,
      String parentId) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", id);
    view.put("name", name);
    view.put("contentType", type);
    view.put("size", size);
    view.put("isInline", inline);
    view.put("contentId", contentId);
    view.put("parentId", parentId);
    return view;
  }

  @Test
  void aDownloadServesTheStoredContentUnderASafeName() {
    var result =
        gateway
            .client()
            .get()
            .uri("/api/access/email/messages/imap:msg_parsed_v2/attachments/att_2_1")
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentType("application/pdf")
            .expectHeader()
            .valueEquals("X-Content-Type-Options", "nosniff")
            .expectBody(byte[].class)
            .returnResult();
    assertThat(new String(result.getResponseBody(), StandardCharsets.UTF_8))
        .isEqualTo("content of att_2_1");
    assertThat(result.getResponseHeaders().getFirst(HttpHeaders.CONTENT_DISPOSITION))
        .isEqualTo(
            "attachment; filename=\"Resume _final_.pdf\";"
                + " filename*=UTF-8''R%C3%A9sum%C3%A9%20_final_.pdf");
  }

  @Test
  void mailStoredBeforeStillReadsFromItsRawSource() {
    Map<String, Object> email = email("msg_legacy_v2");
    assertThat(email.get("body")).isEqualTo("files");
    var result =
        gateway
            .client()
            .get()
            .uri("/api/access/email/messages/imap:msg_legacy_v2/attachments/att_1")
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(byte[].class)
            .returnResult();
    assertThat(new String(result.getResponseBody(), StandardCharsets.UTF_8).trim())
        .isEqualTo("root:x:0:0");
    assertThat(result.getResponseHeaders().getFirst(HttpHeaders.CONTENT_DISPOSITION))
        .isEqualTo("attachment; filename=\"passwd\"; filename*=UTF-8''passwd");
  }

  @Test
  void aForwardCarriesTheForwardedMessageOnceNotItsAttachmentsBesideIt() {
    try (TopicTap sendCommands =
        new TopicTap(
            gateway.infrastructure().endpoints().kafkaBootstrapServers(), Topics.COMMANDS_SEND)) {
      Map<?, ?> forward =
          gateway
              .client()
              .post()
              .uri("/api/access/email/messages/imap:msg_parsed_v2/forward")
              .header("Authorization", "Bearer " + token)
              .bodyValue(Map.of("to", List.of(Map.of("email", "colleague@example.com"))))
              .exchange()
              .expectStatus()
              .isOk()
              .expectBody(Map.class)
              .returnResult()
              .getResponseBody();
      String sentId = ((String) forward.get("emailId")).substring("imap:".length());
      var record =
          sendCommands.await(
              r ->
                  CODEC.decode(r.value()).data() instanceof SendMessage c
                      && c.messageId().equals(sentId),
              Duration.ofSeconds(20));
      SendMessage command = (SendMessage) CODEC.decode(record.value()).data();
      assertThat(command.attachments())
          .extracting(Attachment::id)
          .containsExactly("att_1", "att_2");
    }
  }

  @Test
  void anUnknownAttachmentIsA404InTheFamilysErrorFormat() {
    gateway
        .client()
        .get()
        .uri("/api/access/email/messages/imap:msg_parsed_v2/attachments/att_9")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("NOT_FOUND")
        .jsonPath("$.message")
        .isEqualTo("Attachment att_9 not found");
  }

  @Test
  void aTokenThatHidesAttachmentsCannotDownloadThem() {
    String restricted =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled",
                true,
                "allowedEmailOperations",
                List.of("view_email"),
                "visibleEmailFields",
                List.of("subject")));
    gateway
        .client()
        .get()
        .uri("/api/access/email/messages/imap:msg_parsed_v2/attachments/att_1")
        .header("Authorization", "Bearer " + restricted)
        .exchange()
        .expectStatus()
        .isForbidden()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("FORBIDDEN");
  }
}
