package dev.mailroom.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.mailroom.localstack.AdminClient;
import dev.mailroom.localstack.DemoTenant;
import dev.mailroom.localstack.LocalStack;
import dev.mailroom.localstack.LocalStack.Service;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.event.MessageSent;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageSnapshot;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 6's webhook benchmark, on the whole suite in one JVM with embedded infrastructure: events
 * are put on {@code mailroom.events} as a worker would, and a subscriber on loopback answers 204.
 *
 * <ol>
 *   <li>deliveries per second to one fast subscriber, from the first event published to the last
 *       delivery received, and the latency from event to delivery;
 *   <li>the same with a second subscriber on the same events that never answers (each attempt waits
 *       the whole timeout): the fast one's rate should not change.
 * </ol>
 */
final class WebhookBenchmark {
  private static final int PARTITIONS = 3;
  private static final int WARM_UP = 6000;

  private WebhookBenchmark() {}

  /** A receiver on loopback that records when each webhook id first arrived. */
  private static final class Receiver implements AutoCloseable {
    final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService threads;

    Receiver(boolean hang) throws Exception {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
      threads = hang ? Executors.newCachedThreadPool() : Executors.newFixedThreadPool(8);
      server.setExecutor(threads);
      server.createContext(
          "/",
          exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            if (hang) {
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            } else {
              arrivals.putIfAbsent(
                  exchange.getRequestHeaders().getFirst("webhook-id"), System.nanoTime());
              exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
          });
      server.start();
    }

    String url() {
      return "http://localhost:" + server.getAddress().getPort() + "/hooks";
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  record Round(double perSecond, long p50Millis, long p99Millis, int delivered) {}

  static void run(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    try (LocalStack stack =
            BenchmarkStack.start(
                Map.of(
                    "mailroom.sync.poll-interval", "0s",
                    "mailroom.webhooks.concurrency", "3",
                    "mailroom.kafka.partitions", Integer.toString(PARTITIONS)));
        Receiver fast = new Receiver(false);
        Receiver hanging = new Receiver(true)) {
      AdminClient http = new AdminClient(stack.url(Service.API_GATEWAY));
      DemoTenant demo = BenchmarkStack.demo(stack);
      subscribe(http, demo, fast.url());

      try (KafkaProducer<String, byte[]> producer = producer(stack)) {
        // Warm-up: the first thousands of deliveries run interpreted, which is not what is
        // measured.
        publish(producer, demo, WARM_UP);
        await(fast, WARM_UP, Duration.ofSeconds(120));
        fast.arrivals.clear();

        Round alone = round(producer, demo, fast, events);
        subscribe(http, demo, hanging.url());
        Round beside = round(producer, demo, fast, events);

        System.out.println();
        System.out.println(
            "| webhook benchmark (2 cores, embedded infrastructure) | result | target |");
        System.out.println("|---|---|---|");
        System.out.printf(
            "| deliveries/s to one fast subscriber (%d events) | %.0f | >= 1000 |%n",
            events, alone.perSecond());
        System.out.printf(
            "| event to delivery p50 / p99, fast subscriber alone | %d ms / %d ms | |%n",
            alone.p50Millis(), alone.p99Millis());
        System.out.printf(
            "| deliveries/s to the fast subscriber beside a hanging one | %.0f | unchanged |%n",
            beside.perSecond());
        System.out.printf(
            "| event to delivery p50 / p99 beside the hanging one | %d ms / %d ms | |%n",
            beside.p50Millis(), beside.p99Millis());
        System.out.printf(
            "| attempts the hanging subscriber received meanwhile | %d | bounded by its lane |%n",
            hanging.requests.get());
      }
    }
  }

  private static void subscribe(AdminClient http, DemoTenant demo, String url) {
    http.expect(
        201,
        "POST",
        "/v1/webhooks",
        demo.token(),
        Map.of("url", url, "eventTypes", List.of("message.sent")));
  }

  private static KafkaProducer<String, byte[]> producer(LocalStack stack) {
    return new KafkaProducer<>(
        Map.of(
            "bootstrap.servers",
            stack.endpoints().kafkaBootstrapServers(),
            "acks",
            "all",
            "linger.ms",
            "5"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static Round round(
      KafkaProducer<String, byte[]> producer, DemoTenant demo, Receiver fast, int events)
      throws Exception {
    fast.arrivals.clear();
    long started = System.nanoTime();
    Map<String, Long> published = publish(producer, demo, events);
    await(fast, events, Duration.ofSeconds(300));
    long last = Collections.max(fast.arrivals.values());
    List<Long> latencies = new ArrayList<>();
    fast.arrivals.forEach(
        (id, at) -> {
          Long sent = published.get(id);
          if (sent != null) {
            latencies.add((at - sent) / 1_000_000);
          }
        });
    Collections.sort(latencies);
    return new Round(
        events / ((last - started) / 1e9),
        latencies.get(latencies.size() / 2),
        latencies.get((int) (latencies.size() * 0.99)),
        fast.arrivals.size());
  }

  /** Publishes events the way a worker does; webhook id to the nano time it was handed over. */
  private static Map<String, Long> publish(
      KafkaProducer<String, byte[]> producer, DemoTenant demo, int count) {
    EnvelopeCodec codec = new EnvelopeCodec();
    Map<String, Long> published = new ConcurrentHashMap<>();
    Instant now = Instant.now();
    for (int i = 0; i < count; i++) {
      MessageSnapshot message =
          new MessageSnapshot(
              Ids.newId("msg"),
              demo.tenantId(),
              demo.aliceId(),
              Ids.newId("thr"),
              "<bench-" + i + "@mailroom.local>",
              null,
              Participant.of(DemoTenant.ALICE),
              List.of(Participant.of(DemoTenant.BOB)),
              List.of(),
              List.of(),
              "Benchmark " + i,
              "Hello",
              List.of("SENT"),
              List.of(),
              Direction.OUTBOUND,
              MessageStatus.SENT,
              now,
              now);
      Envelope<MessageSent> envelope =
          Envelope.wrap(
              new MessageSent(demo.tenantId(), demo.aliceId(), Ids.newId("cmd"), message),
              "/benchmark",
              Instant.now(),
              null);
      published.put("msg_" + envelope.id(), System.nanoTime());
      // Real traffic spans many mailboxes and so every partition; spread the same way here.
      producer.send(
          new ProducerRecord<>(
              envelope.topic(), i % PARTITIONS, envelope.subject(), codec.encode(envelope)));
    }
    producer.flush();
    return published;
  }

  private static void await(Receiver receiver, int count, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (receiver.arrivals.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Only " + receiver.arrivals.size() + " of " + count + " deliveries within " + limit);
      }
      Thread.sleep(20);
    }
  }
}
