package dev.mailroom.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.Ports;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.command.ReceiveMessage;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.purge.DataPurge;
import dev.mailroom.sync.receiver.HostedSmtpReceiver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Mail from outside reaching hosted mailboxes through Mailroom's own SMTP receiver: taken only for
 * hosted addresses, stored and announced as synced mail is, threaded with its replies, and never
 * stored twice.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostedMailReceptionTest {
  private SyncFixture fixture;
  private int port;

  @BeforeAll
  void start(TestInfrastructure infrastructure) {
    fixture = SyncFixture.shared(infrastructure);
    port = fixture.bean(HostedSmtpReceiver.class).port();
  }

  private static String domain() {
    return "h" + UUID.randomUUID().toString().substring(0, 8) + ".example";
  }

  @Test
  void aConversationWithAnOutsiderIsStoredThreadedAndAnnounced() throws Exception {
    Mailbox support = fixture.hostedMailbox("support", domain());
    String first =
        message("<q1@customer.example>", null, "Where is my order?", "Hello, order 42 is late.");
    try (Smtp smtp = new Smtp(port)) {
      assertThat(smtp.send("carol@customer.example", List.of(support.address()), first))
          .startsWith("250");
    }
    MessageReceived received = fixture.awaitEvent(support, MessageReceived.class);
    assertThat(received.message().subject()).isEqualTo("Where is my order?");

    StoredMessage stored = inbox(support).get(0);
    assertThat(stored.fromEmail()).isEqualTo("carol@customer.example");
    assertThat(stored.labels()).contains("INBOX");
    assertThat(stored.read()).isFalse();
    BlobStore blobs = fixture.bean(BlobStore.class);
    assertThat(new String(blobs.get(stored.textKey()).block(), StandardCharsets.UTF_8))
        .contains("order 42 is late");
    String raw = new String(blobs.get(stored.rawKey()).block(), StandardCharsets.UTF_8);
    assertThat(raw).as("the receiver's trace header").startsWith("Received: from ");
    assertThat(raw).contains("Message-ID: <q1@customer.example>");
    // Stored as a message, the receiver's own copy is gone.
    assertThat(
            blobs
                .keys(BlobKeys.mailboxPrefix(support.tenantId(), support.id()) + "inbound/")
                .block())
        .isEmpty();

    // The customer writes again, in reply: the same thread.
    String second =
        message(
            "<q2@customer.example>",
            "<q1@customer.example>",
            "Re: Where is my order?",
            "Any news?");
    try (Smtp smtp = new Smtp(port)) {
      assertThat(smtp.send("carol@customer.example", List.of(support.address()), second))
          .startsWith("250");
    }
    awaitInbox(support, 2);
    List<StoredMessage> both = inbox(support);
    assertThat(both).extracting(StoredMessage::threadId).containsOnly(stored.threadId());
  }

  @Test
  void onlyHostedAddressesAreTakenAndTooLargeMessagesAreRefused() throws Exception {
    String domain = domain();
    Mailbox sales = fixture.hostedMailbox("sales", domain);
    try (Smtp smtp = new Smtp(port)) {
      smtp.expect("250", "EHLO client.example");
      smtp.expect("250", "MAIL FROM:<dave@outside.example>");
      assertThat(smtp.command("RCPT TO:<nobody@" + domain + ">")).startsWith("550 5.1.1");
      assertThat(smtp.command("RCPT TO:<someone@not-hosted.example>")).startsWith("550 5.7.1");
      smtp.expect("250", "RCPT TO:<" + sales.address().toUpperCase() + ">");
      smtp.expect("354", "DATA");
      String body = "x".repeat(100) + "\r\n";
      StringBuilder large =
          new StringBuilder(message("<big@outside.example>", null, "Big", "Attached."));
      while (large.length() <= SyncFixture.HOSTED_MAX_MESSAGE_BYTES) {
        large.append(body);
      }
      assertThat(smtp.data(large.toString())).startsWith("552");
    }
    // A message after a refused one, on a new connection: taken.
    try (Smtp smtp = new Smtp(port)) {
      assertThat(
              smtp.send(
                  "dave@outside.example",
                  List.of(sales.address()),
                  message("<small@outside.example>", null, "Small", "Fits.")))
          .startsWith("250");
    }
    awaitInbox(sales, 1);
    assertThat(inbox(sales)).extracting(StoredMessage::subject).containsExactly("Small");
  }

  @Test
  void aRedeliveredCommandStoresNothingTwiceAndASyncOfAHostedMailboxFetchesNothing()
      throws Exception {
    Mailbox info = fixture.hostedMailbox("info", domain());
    try (Smtp smtp = new Smtp(port)) {
      smtp.send(
          "erin@outside.example",
          List.of(info.address()),
          message("<once@outside.example>", null, "Once", "Only once."));
    }
    awaitInbox(info, 1);
    StoredMessage stored = inbox(info).get(0);
    String commandId =
        stored.providerMessageId().substring(ReceivedMessages.INBOX.scope().length());

    // The command again, its bytes back where the receiver put them, as after a crash between
    // storing and acknowledging: found stored, so nothing is added, and the copy is removed again.
    String inbound = BlobKeys.inbound(info.tenantId(), info.id(), commandId);
    BlobStore blobs = fixture.bean(BlobStore.class);
    blobs.put(inbound, blobs.get(stored.rawKey()).block(), "message/rfc822").block();
    fixture.command(
        new ReceiveMessage(
            commandId,
            info.tenantId(),
            info.id(),
            inbound,
            "erin@outside.example",
            info.address(),
            Instant.now()));
    MailboxSyncCompleted sync = fixture.sync(info);
    // The sync queued behind the redelivery on the mailbox's partition: the redelivery was done.
    assertThat(inbox(info)).hasSize(1);
    assertThat(blobs.keys(inbound).block()).isEmpty();
    assertThat(fixture.eventsOf(info))
        .filteredOn(e -> e instanceof MessageReceived)
        .as("announced once")
        .hasSize(1);
    assertThat(sync.messagesAdded()).isZero();
    assertThat(fixture.reload(info).sync().state()).isEqualTo("idle");
  }

  @Test
  void aSenderTricklingItsMessageIsCutOffAndNothingIsStored() throws Exception {
    Mailbox slow = fixture.hostedMailbox("slow", domain());
    try (Smtp smtp = new Smtp(port)) {
      smtp.expect("250", "EHLO client.example");
      smtp.expect("250", "MAIL FROM:<gil@outside.example>");
      smtp.expect("250", "RCPT TO:<" + slow.address() + ">");
      smtp.expect("354", "DATA");
      String reply = null;
      long deadline = System.nanoTime() + SyncFixture.HOSTED_MAX_TRANSFER.toNanos() * 3;
      try {
        smtp.write("Subject: Slow\r\n\r\n");
        while (System.nanoTime() < deadline) {
          Thread.sleep(500);
          smtp.write("one more line\r\n");
        }
        reply = smtp.data("");
      } catch (IOException dropped) {
        // What a sender sees when the server closes on it.
      }
      // 421: the server closes the connection; the sender tries again later.
      assertThat(reply == null || reply.startsWith("421 "))
          .as("told 421 or dropped, not " + reply)
          .isTrue();
    }
    assertThat(inbox(slow)).isEmpty();
  }

  @Test
  void mailForAMailboxDeletedMeanwhileIsDroppedWithItsBytes() throws Exception {
    Mailbox old = fixture.hostedMailbox("old", domain());
    String commandId = Ids.newId("cmd");
    String inbound = BlobKeys.inbound(old.tenantId(), old.id(), commandId);
    BlobStore blobs = fixture.bean(BlobStore.class);
    blobs
        .put(
            inbound,
            message("<late@outside.example>", null, "Late", "Too late.")
                .getBytes(StandardCharsets.UTF_8),
            "message/rfc822")
        .block();
    // Purged between the receiver's lookup and its command reaching the worker.
    fixture.bean(DataPurge.class).purgeMailbox(old.tenantId(), old.id()).block();
    fixture.command(
        new ReceiveMessage(
            commandId,
            old.tenantId(),
            old.id(),
            inbound,
            "fay@outside.example",
            old.address(),
            Instant.now()));

    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!blobs.keys(inbound).block().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(blobs.keys(BlobKeys.mailboxPrefix(old.tenantId(), old.id())).block()).isEmpty();
    assertThat(inbox(old)).isEmpty();
  }

  private List<StoredMessage> inbox(Mailbox mailbox) {
    return fixture.search(mailbox, "INBOX");
  }

  private void awaitInbox(Mailbox mailbox, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (inbox(mailbox).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(inbox(mailbox)).hasSize(count);
  }

  private static String message(String messageId, String inReplyTo, String subject, String text) {
    return "Message-ID: "
        + messageId
        + "\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\nFrom: Someone Outside <"
        + "carol@customer.example>\r\nTo: hosted@mailroom.test\r\nSubject: "
        + subject
        + "\r\n"
        + (inReplyTo == null
            ? ""
            : "In-Reply-To: " + inReplyTo + "\r\nReferences: " + inReplyTo + "\r\n")
        + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        + text
        + "\r\n";
  }

  /** An SMTP client that shows each reply, as a sending server would see it. */
  private static final class Smtp implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    Smtp(int port) throws IOException {
      socket = new Socket(Ports.LOOPBACK, port);
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out = socket.getOutputStream();
      assertThat(reply()).startsWith("220");
    }

    String send(String from, List<String> to, String message) throws IOException {
      expect("250", "EHLO client.example");
      expect("250", "MAIL FROM:<" + from + ">");
      for (String recipient : to) {
        expect("250", "RCPT TO:<" + recipient + ">");
      }
      expect("354", "DATA");
      return data(message);
    }

    void write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    String data(String message) throws IOException {
      StringBuilder stuffed = new StringBuilder();
      for (String line : message.split("\r\n", -1)) {
        stuffed.append(line.startsWith(".") ? "." + line : line).append("\r\n");
      }
      out.write((stuffed + ".\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return reply();
    }

    void expect(String code, String command) throws IOException {
      assertThat(command(command)).as(command).startsWith(code);
    }

    String command(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return reply();
    }

    /** The last line of a (possibly multi-line) reply. */
    private String reply() throws IOException {
      String line = in.readLine();
      while (line != null && line.length() > 3 && line.charAt(3) == '-') {
        line = in.readLine();
      }
      return String.valueOf(line);
    }

    @Override
    public void close() throws IOException {
      try {
        command("QUIT");
      } catch (IOException e) {
        // The server may have closed already, after a refusal.
      }
      socket.close();
    }
  }
}
