package dev.mailroom.benchmarks;

import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.localstack.AdminClient;
import dev.mailroom.localstack.DemoTenant;
import dev.mailroom.localstack.LocalStack;
import dev.mailroom.localstack.LocalStack.Service;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.event.MessageSent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;

/**
 * Issue 4's send benchmark, on the whole suite in one JVM with embedded infrastructure:
 *
 * <ol>
 *   <li>accepted sends per second at the gateway, as many as it takes with 32 in flight: first with
 *       the send worker stopped, then the rate at which the worker alone drains those sends, then
 *       both at once, as the one JVM shares two cores between them;
 *   <li>end-to-end latency at a fixed rate: from the request to the {@code MessageSent} event,
 *       which the worker emits after the SMTP server has taken the message and the Sent copy is
 *       stored.
 * </ol>
 *
 * Sends go round-robin from {@link #SENDERS} mailboxes of one tenant, as a platform's traffic
 * would: one mailbox's sends are ordered, so they run one after another by design, while different
 * mailboxes' sends run in parallel. Rate limits are turned off for the run by configuration. Every
 * loop is bounded in count and time.
 */
final class SendBenchmark {

  static final int SENDERS = 24;

  /** Rounds, and sends in each phase of a round, before the measured round. */
  private static final int WARM_UP_ROUNDS = 4;

  private static final int WARM_UP = 2000;

  /** The send worker's listener, stopped while the gateway is measured alone. */
  /** The send worker's consumer binding (send-worker.yaml). */
  private static final String SEND_BINDING = "sendCommands-in-0";

  /**
   * A mailbox on the mail server that Mailroom does not sync. Were it Bob's, every send would also
   * wake Bob's IDLE watch and resync a growing INBOX, and the run would measure the embedded mail
   * server's quadratic FETCH rather than sending.
   */
  static final String RECIPIENT = "recipient@mailroom.local";

  private SendBenchmark() {}

  static void run(String[] args) throws Exception {
    int acceptedCount = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;

    try (LocalStack stack =
        BenchmarkStack.start(
            Map.of(
                "mailroom.gateway.rate-limits.access-per-minute", "0",
                "mailroom.gateway.rate-limits.access-per-hour", "0",
                "mailroom.gateway.rate-limits.sends-per-mailbox-per-hour", "0",
                "mailroom.gateway.rate-limits.tenant-writes-per-minute", "0",
                "mailroom.gateway.send-wait", "0s",
                "mailroom.sync.poll-interval", "0s",
                "mailroom.send.concurrency", "12",
                "mailroom.kafka.partitions", "12"))) {
      String url = stack.url(Service.API_GATEWAY);
      DemoTenant demo = BenchmarkStack.demo(stack);
      AdminClient admin = new AdminClient(url);
      stack.mailServer().addUser(RECIPIENT, "pw");
      for (int i = 0; i < SENDERS; i++) {
        stack.mailServer().addUser(sender(i), "pw");
        DemoTenant.createMailbox(
            admin,
            BenchmarkStack.ADMIN_KEY,
            demo.tenantId(),
            stack.endpoints().mail(),
            sender(i),
            "Sender " + i,
            "pw",
            false);
      }
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();

      String bootstrap = stack.endpoints().kafkaBootstrapServers();
      BindingsLifecycleController worker =
          stack.services().get(Service.SEND_WORKER).getBean(BindingsLifecycleController.class);
      Rates rates;
      try (TopicTap events = new TopicTap(bootstrap, Topics.EVENTS)) {
        // Warm-up rounds first: the JVM holds four services and the embedded servers, and the
        // JIT keeps a core busy for minutes, compiling again whenever the mix changes (the
        // gateway alone, then with the worker). The gateway alone measured 158, 466, 584 and
        // 636 accepted/s in four successive rounds, then 714 in the fifth.
        for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
          Rates warm =
              rounds(http, url, demo.token(), worker, events, "warm-up " + round + " ", WARM_UP);
          System.out.printf(
              "warm-up round %d: gateway alone %.0f/s, worker alone %.0f/s, together %.0f/s and"
                  + " %.0f/s%n",
              round,
              warm.gatewayAlone(),
              warm.workerAlone(),
              warm.gatewayTogether(),
              warm.workerTogether());
        }
        rates = rounds(http, url, demo.token(), worker, events, "measured ", acceptedCount);
      }
      Latency latency =
          endToEnd(
              http, url, demo.token(), stack.endpoints().kafkaBootstrapServers(), rate, seconds);

      System.out.println();
      System.out.println("| send benchmark (2 cores, embedded infrastructure) | result | target |");
      System.out.println("|---|---|---|");
      System.out.printf(
          "| accepted sends/s at the gateway, the worker stopped (%d requests, 32 in flight) |"
              + " %.0f | >= 500 |%n",
          acceptedCount, rates.gatewayAlone());
      System.out.printf(
          "| sends/s the worker completes draining those alone (%d sender mailboxes) | %.0f | |%n",
          SENDERS, rates.workerAlone());
      System.out.printf(
          "| accepted sends/s at the gateway while the worker sends | %.0f | >= 500 |%n",
          rates.gatewayTogether());
      System.out.printf(
          "| sends/s the worker completes meanwhile (from the first request to the last"
              + " MessageSent) | %.0f | |%n",
          rates.workerTogether());
      System.out.printf(
          "| end-to-end p50 at %d/s for %d s (accept -> MessageSent) | %d ms | |%n",
          rate, seconds, latency.p50());
      System.out.printf(
          "| end-to-end p99 at %d/s for %d s | %d ms | < 1000 ms |%n",
          rate, seconds, latency.p99());
      System.out.printf(
          "| messages sent within the wait / requested | %d / %d | all |%n",
          latency.completed(), latency.requested());
    }
  }

  private record Rates(
      double gatewayAlone, double workerAlone, double gatewayTogether, double workerTogether) {}

  /**
   * Each side alone, as in a deployment where they run in processes of their own, then both at once
   * on the same two cores; {@code count} sends each time.
   */
  private static Rates rounds(
      HttpClient http,
      String url,
      String token,
      BindingsLifecycleController worker,
      TopicTap events,
      String prefix,
      int count)
      throws InterruptedException {
    worker.stop(SEND_BINDING);
    double gatewayAlone = accepted(http, url, token, prefix + "alone ", count);
    long drainStart = System.nanoTime();
    worker.start(SEND_BINDING);
    double workerAlone = awaitSent(events, prefix + "alone ", count, drainStart);
    long start = System.nanoTime();
    double gatewayTogether = accepted(http, url, token, prefix + "together ", count);
    // The worker drains what was accepted; its rate is what it sustains.
    double workerTogether = awaitSent(events, prefix + "together ", count, start);
    return new Rates(gatewayAlone, workerAlone, gatewayTogether, workerTogether);
  }

  private record Latency(long p50, long p99, int completed, int requested) {}

  private static String sender(int i) {
    return "sender-" + i + "@mailroom.local";
  }

  private static final AtomicInteger NEXT_SENDER = new AtomicInteger();

  private static HttpRequest send(String url, String token, String subject) {
    String body =
        "{\"sendFrom\":\""
            + sender(Math.floorMod(NEXT_SENDER.getAndIncrement(), SENDERS))
            + "\",\"to\":[{\"email\":\""
            + RECIPIENT
            + "\"}],\"subject\":\""
            + subject
            + "\",\"body\":\"<p>benchmark</p>\"}";
    return HttpRequest.newBuilder(URI.create(url + "/api/access/email/messages/send"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /**
   * Waits (at most five minutes) until {@code count} sends whose subjects start with {@code prefix}
   * have their MessageSent event; returns them per second since {@code startNanos}.
   */
  private static double awaitSent(TopicTap events, String prefix, int count, long startNanos) {
    EnvelopeCodec codec = new EnvelopeCodec();
    java.util.Set<String> sent = new java.util.HashSet<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (sent.size() < count && System.nanoTime() < deadline) {
      for (var record : events.arrivals(Duration.ofMillis(200))) {
        if (codec.decode(record.value()).data() instanceof MessageSent done
            && done.message().subject().startsWith(prefix)) {
          sent.add(done.message().subject());
        }
      }
    }
    if (sent.size() < count) {
      System.err.println("Only " + sent.size() + " of " + count + " " + prefix + "sends completed");
    }
    return sent.size() / ((System.nanoTime() - startNanos) / 1e9);
  }

  private static double accepted(
      HttpClient http, String url, String token, String prefix, int count)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(32);
    AtomicInteger ok = new AtomicInteger();
    List<CompletableFuture<?>> calls = new ArrayList<>(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      inFlight.acquire();
      calls.add(
          http.sendAsync(send(url, token, prefix + i), HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (response, error) -> {
                    inFlight.release();
                    if (error == null && response.statusCode() == 200) {
                      ok.incrementAndGet();
                    }
                  }));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (ok.get() != count) {
      System.err.println("Only " + ok.get() + " of " + count + " sends were accepted");
    }
    return ok.get() / elapsed;
  }

  /**
   * Sends at a fixed rate, then reads the MessageSent events. A latency runs from the moment the
   * request was made to the event's own time (the worker stamps it as it publishes; one clock, one
   * machine), so reading the events after the last request does not add to it.
   */
  private static Latency endToEnd(
      HttpClient http, String url, String token, String bootstrap, int rate, int seconds) {
    EnvelopeCodec codec = new EnvelopeCodec();
    Map<String, Instant> startedBySubject = new ConcurrentHashMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    int total = rate * seconds;
    try (TopicTap events = new TopicTap(bootstrap, Topics.EVENTS)) {
      long intervalNanos = 1_000_000_000L / rate;
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long wait = start + i * intervalNanos - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // not a spin: the suite needs both cores
        }
        String subject = "latency " + i;
        startedBySubject.put(subject, Instant.now());
        http.sendAsync(send(url, token, subject), HttpResponse.BodyHandlers.discarding());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (latencies.size() < total && System.nanoTime() < deadline) {
        for (var record : events.arrivals(Duration.ofMillis(200))) {
          var envelope = codec.decode(record.value());
          if (envelope.data() instanceof MessageSent sent) {
            Instant began = startedBySubject.remove(sent.message().subject());
            if (began != null) {
              latencies.add(Duration.between(began, envelope.time()).toMillis());
            }
          }
        }
      }
    }
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    long p50 = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    long p99 =
        sorted.isEmpty()
            ? -1
            : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
    return new Latency(p50, p99, sorted.size(), total);
  }
}
