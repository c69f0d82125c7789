package dev.mailroom.benchmarks;

import dev.mailroom.infra.InfrastructureEndpoints.MailServerEndpoint;
import dev.mailroom.infra.mail.DovecotServer;
import dev.mailroom.infra.mail.DovecotSmtpFront;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

  /** The suite's stores: in memory (as tests run), or on disk as the quick start keeps them. */
  enum Stores {
    MEMORY,
    QUICKSTART
  }

  static void run(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Stores stores =
        args.length > 1 ? Stores.valueOf(args[1].toUpperCase(Locale.ROOT)) : Stores.MEMORY;
    try (DovecotServer dovecot = DovecotServer.start();
        // Connecting a mailbox checks its SMTP login too.
        DovecotSmtpFront smtp = DovecotSmtpFront.start(dovecot)) {
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

      Path dataDir =
          stores == Stores.QUICKSTART ? Files.createTempDirectory("mailroom-bench") : null;
      Map<String, String> properties =
          Map.of(
              "mailroom.sync.poll-interval", "0s",
              "mailroom.gateway.rate-limits.access-per-minute", "0",
              "mailroom.gateway.rate-limits.access-per-hour", "0",
              // The progress is polled every 50 ms.
              "mailroom.gateway.rate-limits.v1-per-minute", "0",
              "mailroom.gateway.rate-limits.v1-per-hour", "0");
      try (LocalStack stack =
          dataDir == null
              ? BenchmarkStack.start(properties)
              : BenchmarkStack.startOnDisk(dataDir, properties)) {
        AdminClient http = new AdminClient(stack.url(Service.API_GATEWAY));
        MailServerEndpoint mail =
            new MailServerEndpoint(dovecot.host(), smtp.port(), dovecot.imapPort());
        MemorySampler memory = new MemorySampler();
        SyncRun first = syncAsNewTenant(http, mail, count);
        // The same mailbox for a second tenant: its sync must not slow with what is stored.
        SyncRun second = syncAsNewTenant(http, mail, count);
        memory.close();
        String listPath = "/api/access/email/messages?limit=20";
        String searchPath = "/api/access/email/messages?limit=20&subject=Benchmark%20message%207";
        // First as a client meets the gateway after the syncs (its request paths barely
        // compiled yet), then once the JIT has compiled them, as a running service serves them.
        Latency coldList = latency(http, second.demo(), listPath);
        Latency coldSearch = latency(http, second.demo(), searchPath);
        for (int i = 0; i < WARM_UP_REQUESTS; i++) {
          http.expect(200, "GET", i % 2 == 0 ? listPath : searchPath, second.demo().token(), null);
        }
        Latency list = latency(http, second.demo(), listPath);
        Latency search = latency(http, second.demo(), searchPath);

        System.out.println();
        System.out.printf(
            "| sync benchmark (%d messages, %.1f MB, 2 cores, %s stores) | result | target |%n",
            count,
            bytes / 1e6,
            stores == Stores.MEMORY ? "in-memory" : "the quick start's on-disk");
        System.out.println("|---|---|---|");
        System.out.printf(
            "| floor: Dovecot streams every message to a bare client | %.2f s | |%n",
            floorNanos / 1e9);
        for (SyncRun run : List.of(first, second)) {
          System.out.printf(
              "| %s: full sync, metadata in MongoDB and raw MIME in S3 | %.2f s (%.0f"
                  + " messages/s), %.1fx the floor | |%n",
              run == first ? "first tenant" : "second tenant (the first one's messages stored)",
              run.nanos() / 1e9,
              count / (run.nanos() / 1e9),
              (double) run.nanos() / floorNanos);
          System.out.printf(
              "| %s: first / last 1,000 messages | %.0f / %.0f messages/s | last within 20%% of"
                  + " first |%n",
              run == first ? "first tenant" : "second tenant",
              run.firstThousandRate(),
              run.lastThousandRate());
          System.out.printf(
              "| %s: messages stored (done / total); done ever went down | %d / %d; %s | all;"
                  + " never |%n",
              run == first ? "first tenant" : "second tenant",
              run.status().get("messagesDone").asLong(),
              run.status().get("messagesTotal").asLong(),
              run.wentBackwards() ? "yes" : "no");
        }
        System.out.printf(
            "| list, newest 20, with %d messages stored, first requests after the syncs: p50 /"
                + " p99 | %.1f / %.1f ms | |%n",
            2 * count, coldList.p50Millis(), coldList.p99Millis());
        System.out.printf(
            "| search by subject, with %d messages stored, first requests after the syncs: p50 /"
                + " p99 | %.1f / %.1f ms | |%n",
            2 * count, coldSearch.p50Millis(), coldSearch.p99Millis());
        System.out.printf(
            "| list, newest 20, with %d messages stored, after %,d requests of warm-up: p50 / p99"
                + " | %.1f / %.1f ms | p99 <= 20 ms |%n",
            2 * count, WARM_UP_REQUESTS, list.p50Millis(), list.p99Millis());
        System.out.printf(
            "| search by subject, with %d messages stored, after %,d requests of warm-up: p50 /"
                + " p99 | %.1f / %.1f ms | p99 <= 20 ms |%n",
            2 * count, WARM_UP_REQUESTS, search.p50Millis(), search.p99Millis());
        System.out.printf(
            "| peak heap used during the syncs (-Xmx %d MB) | %d MB | < 512 MB |%n",
            Runtime.getRuntime().maxMemory() >> 20, memory.peakHeap.get() >> 20);
        System.out.printf(
            "| peak RSS of the one JVM (all services and embedded infrastructure) | %d MB | |%n",
            peakRssKb() >> 10);
      }
    }
  }

  /** One tenant's full sync, with when each count of messages was first reported stored. */
  private record SyncRun(
      DemoTenant demo, long nanos, JsonNode status, List<long[]> timeline, boolean wentBackwards) {

    double firstThousandRate() {
      return rate(0, 1000);
    }

    double lastThousandRate() {
      long last = timeline.get(timeline.size() - 1)[1];
      return rate(last - 1000, last);
    }

    /** Messages per second between the first reports of {@code from} and of {@code to} done. */
    private double rate(long from, long to) {
      long fromNanos = from <= 0 ? 0 : firstAt(from);
      long toNanos = firstAt(to);
      return (to - Math.max(0, from)) / ((toNanos - fromNanos) / 1e9);
    }

    private long firstAt(long done) {
      return timeline.stream().filter(point -> point[1] >= done).findFirst().orElseThrow()[0];
    }
  }

  private static SyncRun syncAsNewTenant(AdminClient http, MailServerEndpoint mail, int count)
      throws InterruptedException {
    DemoTenant demo = DemoTenant.create(http, BenchmarkStack.ADMIN_KEY, mail, "pw", "pw");
    long start = System.nanoTime();
    http.expect(202, "POST", "/v1/mailboxes/" + demo.aliceId() + "/sync", demo.token(), null);
    List<long[]> timeline = new ArrayList<>();
    boolean backwards = false;
    long deadline = start + Duration.ofMinutes(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode sync =
          http.expect(200, "GET", "/v1/mailboxes/" + demo.aliceId(), demo.token(), null)
              .get("sync");
      long now = System.nanoTime() - start;
      if (sync != null) {
        long done = sync.get("messagesDone").asLong();
        if (!timeline.isEmpty() && done < timeline.get(timeline.size() - 1)[1]) {
          backwards = true;
        }
        timeline.add(new long[] {now, done});
        if (sync.get("backfilled").asBoolean() && done >= count) {
          return new SyncRun(demo, now, sync, timeline, backwards);
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("sync did not finish within 30 minutes");
  }

  private record Latency(double p50Millis, double p99Millis) {}

  /**
   * Requests, list and search in turn, before the latencies of a running service are measured: on
   * two cores shared with the stores, the JIT takes about a thousand requests to compile the
   * request path (the quick start's list went from p50 13 ms in the first 300 to 4 ms after 1,500).
   */
  private static final int WARM_UP_REQUESTS = 2_000;

  /** 50 warm-up requests, then 300 timed ones, one at a time, as one client reading. */
  private static Latency latency(AdminClient http, DemoTenant demo, String path) {
    for (int i = 0; i < 50; i++) {
      http.expect(200, "GET", path, demo.token(), null);
    }
    long[] nanos = new long[300];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      http.expect(200, "GET", path, demo.token(), null);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return new Latency(
        nanos[nanos.length / 2] / 1e6, nanos[(int) Math.ceil(nanos.length * 0.99) - 1] / 1e6);
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
