package dev.mailroom.benchmarks;

import dev.mailroom.infra.InfrastructureEndpoints.MailServerEndpoint;
import dev.mailroom.infra.mail.DovecotServer;
import dev.mailroom.localstack.AdminClient;
import dev.mailroom.localstack.DemoTenant;
import dev.mailroom.localstack.LocalStack;
import dev.mailroom.localstack.LocalStack.Service;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * Issue 5's sync benchmark: a Dovecot mailbox of N messages (10,000 by default) is synced from
 * scratch by the whole suite (metadata in MongoDB, raw MIME in S3), beside the floor: the time
 * Dovecot needs to stream the same messages to a bare client ({@code UID FETCH 1:* BODY.PEEK[]} on
 * a plain socket). Peak heap and the process's peak RSS are sampled during the sync.
 */
final class SyncBenchmark {
  private static final String TAG = "fl0";

  private SyncBenchmark() {}

  static void run(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    try (DovecotServer dovecot = DovecotServer.start()) {
      dovecot.addUser(DemoTenant.ALICE, "pw");
      dovecot.addUser(DemoTenant.BOB, "pw");
      long bytes = 0;
      for (int i = 0; i < count; i++) {
        byte[] raw = message(i);
        bytes += raw.length;
        dovecot.deliver(DemoTenant.ALICE, "INBOX", raw, i % 3 == 0);
      }
      // Dovecot indexes a new Maildir on its first SELECT; the floor should not pay for that.
      streamEverything(dovecot);
      long floorNanos = Long.MAX_VALUE;
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        long streamed = streamEverything(dovecot);
        floorNanos = Math.min(floorNanos, System.nanoTime() - start);
        if (streamed < bytes) {
          throw new IllegalStateException("bare client read " + streamed + " of " + bytes);
        }
      }

      try (LocalStack stack = BenchmarkStack.start(Map.of("mailroom.sync.poll-interval", "0s"))) {
        AdminClient http = new AdminClient(stack.url(Service.API_GATEWAY));
        DemoTenant demo =
            DemoTenant.create(
                http,
                BenchmarkStack.ADMIN_KEY,
                new MailServerEndpoint(dovecot.host(), 1, dovecot.imapPort()),
                "pw",
                "pw");
        MemorySampler memory = new MemorySampler();
        long start = System.nanoTime();
        http.expect(202, "POST", "/v1/mailboxes/" + demo.aliceId() + "/sync", demo.token(), null);
        JsonNode sync = awaitBackfill(http, demo, count);
        long syncNanos = System.nanoTime() - start;
        memory.close();

        System.out.println();
        System.out.printf(
            "| sync benchmark (%d messages, %.1f MB, 2 cores, embedded infrastructure) | result |"
                + " target |%n",
            count, bytes / 1e6);
        System.out.println("|---|---|---|");
        System.out.printf(
            "| floor: Dovecot streams every message to a bare client | %.2f s | |%n",
            floorNanos / 1e9);
        System.out.printf(
            "| Mailroom: full sync, metadata in MongoDB and raw MIME in S3 | %.2f s (%.0f"
                + " messages/s) | |%n",
            syncNanos / 1e9, count / (syncNanos / 1e9));
        System.out.printf(
            "| ratio to the floor | %.1fx | <= 5x |%n", (double) syncNanos / floorNanos);
        System.out.printf(
            "| messages stored (sync status done / total) | %d / %d | all |%n",
            sync.get("messagesDone").asLong(), sync.get("messagesTotal").asLong());
        System.out.printf(
            "| peak heap used during the sync (-Xmx %d MB) | %d MB | bounded |%n",
            Runtime.getRuntime().maxMemory() >> 20, memory.peakHeap.get() >> 20);
        System.out.printf(
            "| peak RSS of the one JVM (all services and embedded infrastructure) | %d MB | |%n",
            peakRssKb() >> 10);
      }
    }
  }

  /** A plausible message of a few kilobytes; every tenth carries a 16 KB attachment. */
  private static byte[] message(int i) {
    String text = ("Line " + i + " of a message body that reads like ordinary mail. ").repeat(30);
    StringBuilder mime = new StringBuilder();
    mime.append("Message-ID: <bench-")
        .append(i)
        .append("@mailroom.local>\r\n")
        .append("Date: Sat, 07 Feb 2026 14:30:00 +0000\r\n")
        .append("From: Sender ")
        .append(i % 50)
        .append(" <sender")
        .append(i % 50)
        .append("@example.com>\r\n")
        .append("To: alice@mailroom.local\r\n")
        .append("Subject: Benchmark message ")
        .append(i)
        .append("\r\n")
        .append("MIME-Version: 1.0\r\n")
        .append("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n")
        .append("--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n")
        .append("--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
        .append(text)
        .append("\r\n--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>")
        .append(text)
        .append("</p>\r\n--b2--\r\n");
    if (i % 10 == 0) {
      String data = java.util.Base64.getMimeEncoder().encodeToString(new byte[16 * 1024]);
      mime.append("--b1\r\nContent-Type: application/pdf; name=\"report-")
          .append(i)
          .append(".pdf\"\r\nContent-Disposition: attachment; filename=\"report-")
          .append(i)
          .append(".pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
          .append(data)
          .append("\r\n");
    }
    mime.append("--b1--\r\n");
    return mime.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The bare client: one command for every message's bytes, read and thrown away. */
  private static long streamEverything(DovecotServer dovecot) throws IOException {
    try (Socket socket = new Socket(dovecot.host(), dovecot.imapPort())) {
      InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      OutputStream out = socket.getOutputStream();
      readLine(in);
      command(out, in, "l LOGIN " + DemoTenant.ALICE + " pw", "l ");
      command(out, in, "s EXAMINE INBOX", "s ");
      return command(out, in, TAG + " UID FETCH 1:* (BODY.PEEK[])", TAG + " ");
    }
  }

  private static long command(OutputStream out, InputStream in, String line, String tag)
      throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    long read = 0;
    while (true) {
      String response = readLine(in);
      read += response.length();
      if (response.startsWith(tag)) {
        if (!response.startsWith(tag + "OK")) {
          throw new IOException(line + ": " + response);
        }
        return read;
      }
      // A literal {n} at the end of a line: skip its n bytes, then read on.
      if (response.endsWith("}")) {
        long literal =
            Long.parseLong(
                response.substring(response.lastIndexOf('{') + 1, response.length() - 1));
        in.skipNBytes(literal);
        read += literal;
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    if (c == -1) {
      throw new IOException("connection closed");
    }
    return line.toString();
  }

  private static JsonNode awaitBackfill(AdminClient http, DemoTenant demo, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode sync =
          http.expect(200, "GET", "/v1/mailboxes/" + demo.aliceId(), demo.token(), null)
              .get("sync");
      if (sync != null
          && sync.get("backfilled").asBoolean()
          && sync.get("messagesDone").asLong() >= count) {
        return sync;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("sync did not finish within 20 minutes");
  }

  /** Samples heap in use every 50 ms. */
  private static final class MemorySampler implements AutoCloseable {
    final AtomicLong peakHeap = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    MemorySampler() {
      MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
      timer.scheduleAtFixedRate(
          () -> peakHeap.accumulateAndGet(bean.getHeapMemoryUsage().getUsed(), Math::max),
          0,
          50,
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** VmHWM: the most resident memory this process has had. */
  private static long peakRssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
