package dev.mailroom.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.model.command.SendKind;
import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.outbox.OutboxRecord.OutboxStatus;
import dev.mailroom.store.outbox.OutboxRepository;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Mono;

/**
 * Send and reply with attachments (Mailroom's extension of the Access API): files are checked
 * against the attachment policy, stored in S3 with the message and carried to the send worker by
 * reference, so the command stays one small Kafka record whatever the request held.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendAttachmentsTest {
  private static final EnvelopeCodec CODEC = new EnvelopeCodec();
  static final byte[] PDF =
      ("%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
              + "2 0 obj <</Type/Pages/Count 0/Kids[]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
          .getBytes(StandardCharsets.US_ASCII);

  private GatewayFixture gateway;
  private Tenant tenant;
  private String token;
  private TopicTap sendCommands;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    tenant = gateway.tenant("files-" + System.nanoTime() + "@example.com");
    token = gateway.fullToken(tenant.id());
    sendCommands =
        new TopicTap(infrastructure.endpoints().kafkaBootstrapServers(), Topics.COMMANDS_SEND);
  }

  @AfterAll
  void tearDown() {
    sendCommands.close();
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

  private static Map<String, Object> send(String body, List<Map<String, Object>> attachments) {
    Map<String, Object> request = new HashMap<>();
    request.put("to", List.of(Map.of("email", "someone@example.com")));
    request.put("subject", "With files");
    request.put("body", body);
    request.put("bodyType", "text");
    if (attachments != null) {
      request.put("attachments", attachments);
    }
    return request;
  }

  private static Map<String, Object> file(String name, String type, byte[] content) {
    Map<String, Object> file = new HashMap<>();
    file.put("filename", name);
    if (type != null) {
      file.put("contentType", type);
    }
    file.put("contentBase64", Base64.getEncoder().encodeToString(content));
    return file;
  }

  private StoredMessage stored(Map<String, Object> result) {
    String publicId = (String) result.get("emailId");
    return gateway
        .bean(MessageRepository.class)
        .findByIdIncludingDeleted(tenant.id(), publicId.substring("imap:".length()))
        .block();
  }

  private ConsumerRecord<String, byte[]> commandRecord(String messageId) {
    return sendCommands.await(
        r ->
            CODEC.decode(r.value()).data() instanceof SendMessage c
                && c.messageId().equals(messageId),
        Duration.ofSeconds(20));
  }

  @SuppressWarnings("unchecked")
  private static String firstField(Map<String, Object> error) {
    return (String) ((List<Map<String, Object>>) error.get("fieldErrors")).get(0).get("field");
  }

  @Test
  void aSendCarriesItsFilesToTheWorkerByReference() {
    Map<String, Object> result =
        post(
            "/api/access/email/messages/send",
            send("See the invoice.", List.of(file("invoice.pdf", "application/pdf", PDF))),
            200);
    StoredMessage message = stored(result);
    assertThat(message.hasAttachments()).isTrue();
    Attachment attachment = message.attachments().get(0);
    assertThat(attachment.filename()).isEqualTo("invoice.pdf");
    assertThat(attachment.contentType()).isEqualTo("application/pdf");
    assertThat(attachment.size()).isEqualTo(PDF.length);
    assertThat(gateway.bean(BlobStore.class).get(attachment.blobKey()).block()).isEqualTo(PDF);

    SendMessage command = (SendMessage) CODEC.decode(commandRecord(message.id()).value()).data();
    assertThat(command.attachments()).containsExactly(attachment);
    assertThat(command.textBody()).isEqualTo("See the invoice.");
  }

  @Test
  void blockedBadAndTooLargeFilesAreRefusedWithTheFieldAtFault() {
    Map<String, Object> blocked =
        post(
            "/api/access/email/messages/send",
            send(
                "x",
                List.of(
                    file("notes.txt", "text/plain", "hi".getBytes(StandardCharsets.UTF_8)),
                    file("invoice.pdf.EXE ", null, PDF))),
            400);
    assertThat(blocked.get("code")).isEqualTo("INVALID_REQUEST");
    assertThat(firstField(blocked)).isEqualTo("attachments[1].filename");

    Map<String, Object> notBase64 = send("x", null);
    notBase64.put(
        "attachments",
        List.of(
            Map.of("filename", "a.pdf", "contentType", "application/pdf", "contentBase64", "%%")));
    Map<String, Object> bad = post("/api/access/email/messages/send", notBase64, 400);
    assertThat(firstField(bad)).isEqualTo("attachments[0].contentBase64");

    byte[] half = new byte[(int) (12.6 * 1024 * 1024)];
    Map<String, Object> tooLarge =
        post(
            "/api/access/email/messages/send",
            send("x", List.of(file("a.bin", null, half), file("b.bin", null, half))),
            400);
    assertThat(firstField(tooLarge)).isEqualTo("attachments");
    assertThat(tooLarge.toString()).contains("25 MB");
  }

  @Test
  void aReplyTakesFilesToo() {
    gateway.inbound(
        tenant,
        0,
        "msg_files_orig",
        "thr_files",
        "Contract",
        "boss@example.com",
        java.time.Instant.parse("2026-02-07T14:30:00Z"),
        "INBOX");
    Map<String, Object> reply =
        post(
            "/api/access/email/messages/imap:msg_files_orig/reply",
            Map.of(
                "body",
                "<p>Signed copy attached.</p>",
                "attachments",
                List.of(file("signed.pdf", "application/pdf", PDF))),
            200);
    assertThat(reply.get("threadId")).isEqualTo("imap:thr_files");
    StoredMessage sent = stored(reply);
    assertThat(sent.attachments()).extracting(Attachment::filename).containsExactly("signed.pdf");
    SendMessage command = (SendMessage) CODEC.decode(commandRecord(sent.id()).value()).data();
    assertThat(command.kind()).isEqualTo(SendKind.REPLY);
    assertThat(command.attachments())
        .extracting(Attachment::blobKey)
        .containsExactly(sent.attachments().get(0).blobKey());
  }

  @Test
  void aLargeBodyIsAcceptedOnlyAsACommandKafkaTakes() {
    // Over Kafka's default 1 MB record: the body goes by S3, the command stays small.
    String text = "Line of a long report.\n".repeat(2 * 1024 * 1024 / 23);
    Map<String, Object> result = post("/api/access/email/messages/send", send(text, null), 200);
    StoredMessage message = stored(result);
    assertThat(gateway.bean(BlobStore.class).get(message.textKey()).block())
        .isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    ConsumerRecord<String, byte[]> record = commandRecord(message.id());
    assertThat(record.value().length).isLessThan(64 * 1024);
    assertThat(((SendMessage) CODEC.decode(record.value()).data()).textBody()).isNull();
    OutboxRepository outbox = gateway.bean(OutboxRepository.class);
    String commandId = ((SendMessage) CODEC.decode(record.value()).data()).commandId();
    assertThat(
            Mono.defer(() -> outbox.findById(commandId))
                .filter(r -> r.status() == OutboxStatus.PUBLISHED)
                .repeatWhenEmpty(200, ticks -> ticks.delayElements(Duration.ofMillis(50)))
                .block(Duration.ofSeconds(15)))
        .isNotNull();

    // What cannot go by S3 (recipients) and would make a command Kafka refuses: 413, not 200.
    List<Map<String, Object>> many = new ArrayList<>();
    for (int i = 0; i < 25_000; i++) {
      many.add(Map.of("email", "recipient-number-" + i + "@a-rather-long-domain.example.com"));
    }
    Map<String, Object> crowd = send("x", null);
    crowd.put("to", many);
    Map<String, Object> refused = post("/api/access/email/messages/send", crowd, 413);
    assertThat(refused.get("code")).isEqualTo("PAYLOAD_TOO_LARGE");
  }
}
