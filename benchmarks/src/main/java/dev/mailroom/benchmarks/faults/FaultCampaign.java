package dev.mailroom.benchmarks.faults;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.InfrastructureEndpoints.MailServerEndpoint;
import dev.mailroom.infra.InfrastructureEndpoints.S3Endpoint;
import dev.mailroom.infra.Ports;
import dev.mailroom.infra.kafka.KafkaBrokerProcess;
import dev.mailroom.infra.mail.DovecotServer;
import dev.mailroom.infra.mail.DovecotSmtpFront;
import dev.mailroom.infra.s3.EmbeddedS3;
import dev.mailroom.localstack.AdminClient;
import dev.mailroom.localstack.DemoTenant;
import dev.mailroom.localstack.LocalStack;
import dev.mailroom.localstack.LocalStack.Service;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fault campaign: the infrastructure and each service as processes of their own on loopback,
 * with Dovecot as the mail server, under a steady load of sends (each with an Idempotency-Key, and
 * retried with it as a client would), syncs and a webhook subscription; meanwhile processes are
 * killed with SIGKILL and servers stopped, one fault at a time. It then checks what a user would:
 * that nothing accepted was lost, nothing reached the SMTP server twice, the store holds what the
 * mailboxes hold, and every sent message was announced to the subscriber; and prints one table.
 *
 * <p>{@code short} is CI's form: every fault once, the send worker's crash included, so that it
 * fits CI's time budget (7 to 14 minutes on 2 cores); {@code long} is the recorded run, with four
 * send worker crashes to measure recovery on.
 */
public final class FaultCampaign {
  private static final String ADMIN_KEY = "fault-campaign-admin-key-0123456789";
  private static final String CREDENTIAL_KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Set<String> PENDING = Set.of("QUEUED", "SENDING");

  /**
   * @param seeded small messages in the synced mailbox before it is connected
   * @param large messages of {@code largeMegabytes} each among them, synced by a worker with a 256
   *     MB heap
   * @param sendsPerSecond the steady load, spread over the whole campaign: well below what one send
   *     worker drains with every service on the machine (about 7/s on 2 cores), so that the backlog
   *     a fault leaves drains before the next fault; throughput is the send benchmark's
   * @param outage how long a stopped server or the subscriber stays away
   * @param sendWorkerKills how many times the send worker is killed under load
   * @param calm load without faults between two faults
   * @param drain how long everything may take to settle once the load stops
   */
  record Plan(
      String name,
      int seeded,
      int large,
      int largeMegabytes,
      double sendsPerSecond,
      Duration outage,
      int sendWorkerKills,
      Duration calm,
      Duration drain) {}

  static final Plan SHORT =
      new Plan(
          "short", 200, 3, 50, 3, Duration.ofSeconds(10), 1, Duration.ofSeconds(5), ofMinutes(4));
  static final Plan LONG =
      new Plan(
          "long", 2000, 3, 50, 4, Duration.ofSeconds(30), 4, Duration.ofSeconds(20), ofMinutes(8));

  private static Duration ofMinutes(long minutes) {
    return Duration.ofMinutes(minutes);
  }

  /**
   * One fault: how long the thing was away and how long until a new send went through again; for a
   * send worker's crash also its rate before ({@code normalRate}, sends settled per second) and
   * when (System.nanoTime()) it crashed and was restarted, to find when that rate was back.
   */
  record Fault(
      String what,
      Duration away,
      Duration restart,
      Duration firstSend,
      double normalRate,
      long crashedAt,
      long restartedAt) {}

  /** Sends submitted at once around a send worker's crash, so that its rate can be measured. */
  static final int BURST = 60;

  /** The window the rate after a crash is measured over, and the share of normal it must reach. */
  static final Duration RATE_WINDOW = Duration.ofSeconds(5);

  static final double RATE_BACK = 0.8;

  private final Plan plan;
  private final Path dir;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(3))
          .build();
  private final Map<String, String> accepted = new ConcurrentHashMap<>();
  private static final int SETTLE_POLL = 300;
  // Key -> System.nanoTime() when the send was first seen settled (sent, unknown or failed).
  private final Map<String, Long> settledAt = new ConcurrentHashMap<>();

  /** Accepted keys in the order they were accepted: the settle watch looks at the oldest first. */
  private final java.util.Queue<String> acceptedInOrder =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Keys a rate is being measured on: polled every time, whatever the backlog before them. */
  private final Set<String> measured = ConcurrentHashMap.newKeySet();

  private final ExecutorService bursts = Executors.newFixedThreadPool(16);
  private final AtomicInteger submitted = new AtomicInteger();
  private final AtomicLong retriedRequests = new AtomicLong();
  private final List<Fault> faults = new ArrayList<>();
  private final Map<Service, ChildJvm> services = new EnumMap<>(Service.class);
  private volatile boolean loading;
  private String gateway;
  private DemoTenant tenant;
  private KafkaBrokerProcess kafka;
  private MongoClient mongo;

  private FaultCampaign(Plan plan, Path dir) {
    this.plan = plan;
    this.dir = dir;
  }

  public static void run(String[] args) throws Exception {
    Plan plan = args.length > 0 && args[0].equals("long") ? LONG : SHORT;
    Path dir = Files.createTempDirectory("mailroom-faults-");
    boolean passed = new FaultCampaign(plan, dir).execute();
    if (!passed) {
      System.out.println("Logs of every process: " + dir.resolve("logs"));
      System.exit(1);
    }
  }

  private boolean execute() throws Exception {
    try (DovecotServer dovecot = DovecotServer.start();
        DovecotSmtpFront smtp = DovecotSmtpFront.start(dovecot)) {
      dovecot.addUser(DemoTenant.ALICE, "pw");
      dovecot.addUser(DemoTenant.BOB, "pw");
      seed(dovecot);
      String host = dovecot.host();
      int kafkaPort = Ports.freePort();
      int kafkaControllerPort = Ports.freePort();
      int mongoPort = Ports.freePort();
      int s3Port = Ports.freePort();
      kafka = startKafka(host, kafkaPort, kafkaControllerPort);
      ChildJvm mongoServer =
          infra("mongo", List.of("mongo", dir.resolve("mongo").toString(), host, "" + mongoPort));
      ChildJvm s3Server =
          infra(
              "s3",
              List.of(
                  "s3",
                  dir.resolve("s3").toString(),
                  host,
                  "" + s3Port,
                  "mailroom",
                  "mailroom-secret"));
      String mongoUri = "mongodb://" + host + ":" + mongoPort + "/mailroom";
      InfrastructureEndpoints endpoints =
          new InfrastructureEndpoints(
              kafka.bootstrapServers(),
              mongoUri,
              new S3Endpoint(
                  "http://" + host + ":" + s3Port,
                  EmbeddedS3.REGION,
                  "mailroom",
                  "mailroom-secret"),
              new MailServerEndpoint(host, smtp.port(), dovecot.imapPort()));
      try (WebhookReceiver receiver = new WebhookReceiver(host, Ports.freePort())) {
        mongo = MongoClients.create(mongoUri);
        startServices(endpoints);
        receiver.start();
        AdminClient admin = new AdminClient(gateway);
        tenant = DemoTenant.create(admin, ADMIN_KEY, endpoints.mail(), "pw", "pw");
        admin.expect(
            201,
            "POST",
            "/v1/webhooks",
            tenant.token(),
            Map.of("url", receiver.url(), "eventTypes", List.of("message.sent")));

        progress("suite up; load started");
        Thread watch = new Thread(this::watchSettling, "settle-watch");
        watch.setDaemon(true);
        watch.start();
        Thread load = new Thread(this::load, "load");
        load.start();
        Thread.sleep(plan.calm().toMillis());

        fault("sync-worker killed mid-backfill", this::awaitBackfillUnderWay, Service.SYNC_WORKER);
        for (int i = 1; i <= plan.sendWorkerKills(); i++) {
          sendWorkerCrash(i);
        }
        fault("webhook-dispatcher killed mid-delivery", () -> {}, Service.WEBHOOK_DISPATCHER);
        fault("api-gateway killed mid-request", () -> {}, Service.API_GATEWAY);
        outage(
            "Kafka stopped",
            () -> kafka.close(),
            () -> kafka = startKafka(host, kafkaPort, kafkaControllerPort));
        outage(
            "MongoDB stopped", mongoServer::stop, () -> mongoServer.start(Duration.ofMinutes(1)));
        outage("S3 stopped", s3Server::stop, () -> s3Server.start(Duration.ofMinutes(1)));
        outage("subscriber away", receiver::stop, receiver::start);

        loading = false;
        progress("load stopped; waiting for every accepted send to settle");
        load.join(plan.drain().toMillis());
        return report(dovecot, receiver);
      } finally {
        bursts.shutdownNow();
        services.values().forEach(ChildJvm::close);
        if (mongo != null) {
          mongo.close();
        }
        s3Server.close();
        mongoServer.close();
        kafka.close();
      }
    }
  }

  /** Small messages of a few KB, then the large ones, each an attachment of random bytes. */
  private void seed(DovecotServer dovecot) {
    Random random = new Random(7);
    for (int i = 0; i < plan.seeded(); i++) {
      String raw =
          "Message-ID: <seed-"
              + i
              + "@example.com>\r\nFrom: friend@example.com\r\nTo: "
              + DemoTenant.ALICE
              + "\r\nSubject: Seeded "
              + i
              + "\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\n"
              + "Hello, this is message number ".repeat(1 + random.nextInt(60))
              + "\r\n";
      dovecot.deliver(DemoTenant.ALICE, "INBOX", raw.getBytes(StandardCharsets.US_ASCII), true);
    }
    for (int i = 0; i < plan.large(); i++) {
      byte[] content = new byte[plan.largeMegabytes() * 1024 * 1024 * 3 / 4];
      random.nextBytes(content);
      String base64 =
          Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(content);
      String raw =
          "Message-ID: <large-"
              + i
              + "@example.com>\r\nFrom: scanner@example.com\r\nTo: "
              + DemoTenant.ALICE
              + "\r\nSubject: Large "
              + i
              + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
              + "--b\r\nContent-Type: text/plain\r\n\r\nThe archive is attached.\r\n--b\r\n"
              + "Content-Type: application/octet-stream\r\n"
              + "Content-Disposition: attachment; filename=\"archive-"
              + i
              + ".bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
              + base64
              + "\r\n--b--\r\n";
      dovecot.deliver(DemoTenant.ALICE, "INBOX", raw.getBytes(StandardCharsets.US_ASCII), true);
    }
  }

  private KafkaBrokerProcess startKafka(String host, int port, int controllerPort) {
    return KafkaBrokerProcess.start(
        dir.resolve("kafka"), host, port, controllerPort, Duration.ofSeconds(90));
  }

  private ChildJvm infra(String name, List<String> args) {
    return new ChildJvm(
            name,
            "512m",
            InfraServer.class.getName(),
            args,
            dir.resolve("logs").resolve(name + ".log"),
            null)
        .start(Duration.ofMinutes(1));
  }

  private void startServices(InfrastructureEndpoints endpoints) throws InterruptedException {
    for (Service service : Service.values()) {
      int port = Ports.freePort();
      Map<String, String> properties =
          LocalStack.serviceProperties(service, endpoints, ADMIN_KEY, CREDENTIAL_KEY, port);
      // The load is one tenant's; its limits would only measure themselves.
      properties.put("mailroom.gateway.rate-limits.access-per-minute", "0");
      properties.put("mailroom.gateway.rate-limits.access-per-hour", "0");
      properties.put("mailroom.gateway.rate-limits.sends-per-mailbox-per-hour", "0");
      properties.put("mailroom.gateway.rate-limits.v1-per-minute", "0");
      properties.put("mailroom.gateway.rate-limits.v1-per-hour", "0");
      properties.put("mailroom.gateway.rate-limits.tenant-writes-per-minute", "0");
      // Webhook retries on a compressed clock: the default waits 5 minutes after the second try,
      // which would outlast the run, not test it. The same schedule, scaled down.
      properties.put("mailroom.webhooks.delivery.retry-schedule", "0s,5s,15s,30s,60s,120s");
      // One process per service, restarted under the same name as a pod's container is: static
      // Kafka group membership, as the Kubernetes manifests configure it.
      properties.put("mailroom.kafka.instance-id", service.serviceName() + "-0");
      List<String> args = new ArrayList<>();
      properties.forEach((key, value) -> args.add("--" + key + "=" + value));
      String url = "http://" + endpoints.mail().host() + ":" + port;
      if (service == Service.API_GATEWAY) {
        gateway = url;
      }
      services.put(
          service,
          new ChildJvm(
              service.serviceName(),
              // The sync worker gets the heap the large messages must fit in.
              service == Service.SYNC_WORKER ? "256m" : "384m",
              service.application().getName(),
              args,
              dir.resolve("logs").resolve(service.serviceName() + ".log"),
              url + "/actuator/health/readiness"));
    }
    // In parallel: each takes a while to start on two cores.
    Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
    List<Thread> starting = new ArrayList<>();
    for (ChildJvm service : services.values()) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  service.start(Duration.ofMinutes(5));
                } catch (RuntimeException e) {
                  failures.put(service.name, e);
                }
              });
      thread.start();
      starting.add(thread);
    }
    for (Thread thread : starting) {
      thread.join();
    }
    if (!failures.isEmpty()) {
      throw failures.values().iterator().next();
    }
  }

  // ---------------------------------------------------------------- load

  /** Sends at the plan's rate, each on its own thread, retried with its key until accepted. */
  private void load() {
    loading = true;
    ExecutorService clients = Executors.newFixedThreadPool(32);
    long intervalNanos = (long) (1_000_000_000L / plan.sendsPerSecond());
    long next = System.nanoTime();
    while (loading) {
      int n = submitted.incrementAndGet();
      clients.submit(() -> sendUntilAccepted("load-" + n));
      next += intervalNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
    clients.shutdown();
    try {
      clients.awaitTermination(plan.drain().toMinutes(), TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The message id once the API accepted the send; retried as a client would, same key. */
  private String sendUntilAccepted(String key) {
    String body =
        "{\"to\":[{\"email\":\""
            + DemoTenant.BOB
            + "\"}],\"subject\":\"Campaign "
            + key
            + "\",\"body\":\"Sent under faults, key "
            + key
            + ".\",\"bodyType\":\"text\"}";
    long deadline = System.nanoTime() + plan.drain().toNanos() * 2;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/api/access/email/messages/send"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + tenant.token())
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          JsonNode answer = JSON.readTree(response.body());
          String id = answer.path("emailId").asString("");
          if (answer.path("success").asBoolean(false) && !id.isEmpty()) {
            String stored = id.substring(id.indexOf(':') + 1);
            if (accepted.put(key, stored) == null) {
              acceptedInOrder.add(key);
            }
            return stored;
          }
        }
      } catch (IOException | RuntimeException notNow) {
        // Refused, reset or timed out: the gateway may be down; the key makes a retry safe.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      retriedRequests.incrementAndGet();
      sleep(Duration.ofMillis(500));
    }
    return null;
  }

  // ---------------------------------------------------------------- faults

  /** Kills a service with SIGKILL once {@code when} says so, starts it again, and probes. */
  private void fault(String what, Runnable when, Service service) {
    when.run();
    progress(what);
    ChildJvm process = services.get(service);
    long down = System.nanoTime();
    process.kill();
    recover(what, down, () -> process.start(Duration.ofMinutes(5)));
  }

  /**
   * Kills the send worker after measuring its normal rate: how fast it drains a burst of sends.
   * Another burst, submitted while it is down, makes sure that it has a backlog to show its rate on
   * once it is back.
   */
  private void sendWorkerCrash(int n) {
    double normal = burstRate("burst-" + n + "-before");
    String what = "send-worker killed (" + n + ")";
    progress(what + String.format(Locale.ROOT, "; normal rate %.1f sends/s", normal));
    ChildJvm process = services.get(Service.SEND_WORKER);
    long down = System.nanoTime();
    process.kill();
    for (int i = 0; i < BURST; i++) {
      String key = "burst-" + n + "-after-" + i;
      measured.add(key);
      bursts.submit(() -> sendUntilAccepted(key));
    }
    long restart = System.nanoTime();
    process.start(Duration.ofMinutes(5));
    long ready = System.nanoTime();
    faults.add(
        new Fault(
            what,
            Duration.ofNanos(restart - down),
            Duration.ofNanos(ready - restart),
            probe(what, ready),
            normal,
            down,
            restart));
    sleep(plan.calm());
  }

  /**
   * Submits {@link #BURST} sends at once and returns the rate at which sends settled from the first
   * of them to settle to the last: what the worker does with a queue in front of it.
   */
  private double burstRate(String name) {
    List<String> keys = new ArrayList<>();
    List<Future<String>> submitted = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      String key = name + "-" + i;
      keys.add(key);
      measured.add(key);
      submitted.add(bursts.submit(() -> sendUntilAccepted(key)));
    }
    for (Future<String> f : submitted) {
      try {
        f.get(2, TimeUnit.MINUTES);
      } catch (Exception e) {
        return Double.NaN;
      }
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!settledAt.keySet().containsAll(keys) && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(200));
    }
    long first =
        keys.stream()
            .mapToLong(k -> settledAt.getOrDefault(k, Long.MAX_VALUE))
            .min()
            .orElse(Long.MAX_VALUE);
    long last =
        keys.stream()
            .mapToLong(k -> settledAt.getOrDefault(k, Long.MIN_VALUE))
            .max()
            .orElse(Long.MIN_VALUE);
    if (first >= last) {
      return Double.NaN;
    }
    // Load sends settled in between count as well: the worker did that work too.
    return settledBetween(first + 1, last + 1) / ((last - first) / 1e9);
  }

  private long settledBetween(long fromNanos, long toNanos) {
    return settledAt.values().stream().filter(t -> t >= fromNanos && t < toNanos).count();
  }

  /**
   * From the crash to the end of the first {@link #RATE_WINDOW} after the restart in which sends
   * settled at {@link #RATE_BACK} of the normal rate or more, while the backlog the crash left was
   * still draining (until the probe went out); null if that never happened.
   */
  private Duration backAtRate(Fault f) {
    if (Double.isNaN(f.normalRate())) {
      return null;
    }
    long window = RATE_WINDOW.toNanos();
    double needed = RATE_BACK * f.normalRate() * (window / 1e9);
    long step = Duration.ofMillis(250).toNanos();
    long until = drained(f);
    for (long t = f.restartedAt() + Duration.ofSeconds(1).toNanos();
        t + window <= until;
        t += step) {
      if (settledBetween(t, t + window) >= needed) {
        return Duration.ofNanos(t + window - f.crashedAt());
      }
    }
    return null;
  }

  /** When the probe after {@code f} was sent: the backlog in front of it had drained by then. */
  private static long drained(Fault f) {
    return f.firstSend() == null
        ? f.restartedAt() + Duration.ofMinutes(5).toNanos()
        : f.restartedAt() + f.restart().toNanos() + f.firstSend().toNanos();
  }

  /** The first send to settle after the restart, from the crash: when the worker was working. */
  private Duration firstSettled(Fault f) {
    // A send the killed process settled just before the kill is seen by the next poll, a moment
    // after the restart began; no JVM starts and sends within a second.
    long after = f.restartedAt() + Duration.ofSeconds(1).toNanos();
    long first =
        settledAt.values().stream()
            .mapToLong(Long::longValue)
            .filter(t -> t >= after)
            .min()
            .orElse(Long.MAX_VALUE);
    return first == Long.MAX_VALUE ? null : Duration.ofNanos(first - f.crashedAt());
  }

  /** Sends settled per second from the first after the restart until the backlog had drained. */
  private double drainRate(Fault f) {
    Duration first = firstSettled(f);
    if (first == null) {
      return Double.NaN;
    }
    long from = f.crashedAt() + first.toNanos();
    long until = drained(f);
    return until <= from
        ? Double.NaN
        : settledBetween(from + 1, until + 1) / ((until - from) / 1e9);
  }

  /**
   * Notes when each accepted send is first seen settled: a poll of the store every 250 ms for the
   * oldest sends not settled yet, at most {@link #SETTLE_POLL} of them, and for the sends a rate is
   * being measured on, so that their times are seen when they happen. Sends settle about in the
   * order they were accepted, and a poll of the whole backlog would itself load the store in
   * proportion to the backlog, slowing the worker it measures; so the rate after a crash is the
   * store's, not the probe's.
   */
  private void watchSettling() {
    List<String> open = new ArrayList<>();
    while (!Thread.currentThread().isInterrupted()) {
      open.removeIf(settledAt::containsKey);
      while (open.size() < SETTLE_POLL && !acceptedInOrder.isEmpty()) {
        String key = acceptedInOrder.poll();
        if (!settledAt.containsKey(key)) {
          open.add(key);
        }
      }
      measured.removeIf(settledAt::containsKey);
      if (!open.isEmpty() || !measured.isEmpty()) {
        Map<String, String> keyById = new HashMap<>();
        open.forEach(key -> keyById.put(accepted.get(key), key));
        measured.forEach(
            key -> {
              String id = accepted.get(key);
              if (id != null) {
                keyById.put(id, key);
              }
            });
        try {
          for (Document message :
              messages()
                  .find(Filters.in("_id", keyById.keySet()))
                  .projection(new Document("status", 1))) {
            String status = String.valueOf(message.getString("status")).toUpperCase(Locale.ROOT);
            if (!PENDING.contains(status)) {
              settledAt.putIfAbsent(keyById.get(message.getString("_id")), System.nanoTime());
            }
          }
        } catch (RuntimeException storeAway) {
          // MongoDB stopped: the sends settle afterwards and are seen then.
        }
      }
      sleep(Duration.ofMillis(250));
    }
  }

  /** Stops a server for the plan's outage, starts it again, and probes. */
  private void outage(String what, Runnable stop, Runnable start) {
    progress(what);
    long down = System.nanoTime();
    stop.run();
    sleep(plan.outage());
    recover(what, down, start);
  }

  /** Starts what a fault took away, probes, records the fault, and lets the load run calm. */
  private void recover(String what, long down, Runnable start) {
    long restart = System.nanoTime();
    start.run();
    long ready = System.nanoTime();
    faults.add(
        new Fault(
            what,
            Duration.ofNanos(restart - down),
            Duration.ofNanos(ready - restart),
            probe(what, ready),
            Double.NaN,
            down,
            restart));
    sleep(plan.calm());
  }

  /** How long after {@code since} a new send reached the SMTP server and was recorded sent. */
  private Duration probe(String what, long since) {
    String id = sendUntilAccepted("probe-" + what.replaceAll("[^a-z0-9]+", "-"));
    long deadline = System.nanoTime() + plan.drain().toNanos();
    while (id != null && System.nanoTime() < deadline) {
      if ("SENT".equals(status(id))) {
        return Duration.ofNanos(System.nanoTime() - since);
      }
      sleep(Duration.ofMillis(200));
    }
    return null;
  }

  private void awaitBackfillUnderWay() {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode sync = mailbox(tenant.aliceId()).path("sync");
      if (sync.path("messagesDone").asLong(0) > 0 || sync.path("backfilled").asBoolean(false)) {
        return;
      }
      sleep(Duration.ofMillis(200));
    }
  }

  // ---------------------------------------------------------------- checks

  private boolean report(DovecotServer dovecot, WebhookReceiver receiver) throws Exception {
    Map<String, String> statuses = awaitSettled();
    Map<String, Integer> delivered = deliveredByKey(dovecot);
    long sent = statuses.values().stream().filter("SENT"::equals).count();
    long unknown = statuses.values().stream().filter("UNKNOWN"::equals).count();
    long failed = statuses.values().stream().filter("FAILED"::equals).count();
    long pending = statuses.values().stream().filter(PENDING::contains).count();
    long missingRecord = statuses.values().stream().filter(s -> s == null).count();
    long sentButNotDelivered =
        statuses.entrySet().stream()
            .filter(e -> "SENT".equals(e.getValue()) && !delivered.containsKey(e.getKey()))
            .count();
    long twice = delivered.values().stream().filter(n -> n > 1).count();
    long lost = pending + missingRecord + sentButNotDelivered;

    Map<String, long[]> mailboxes = new LinkedHashMap<>();
    for (String[] box :
        List.of(
            new String[] {DemoTenant.ALICE, tenant.aliceId()},
            new String[] {DemoTenant.BOB, tenant.bobId()})) {
      mailboxes.put(box[0], awaitSynced(dovecot, box[0], box[1]));
    }

    Set<String> sentIds = new HashSet<>();
    for (Map.Entry<String, String> e : statuses.entrySet()) {
      if ("SENT".equals(e.getValue())) {
        sentIds.add(accepted.get(e.getKey()));
      }
    }
    long webhookDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!new HashSet<>(receiver.messageByWebhookId.values()).containsAll(sentIds)
        && System.nanoTime() < webhookDeadline) {
      sleep(Duration.ofSeconds(1));
    }
    Set<String> announced = new HashSet<>(receiver.messageByWebhookId.values());
    long notAnnounced = sentIds.stream().filter(id -> !announced.contains(id)).count();
    long redelivered = receiver.timesByWebhookId.values().stream().filter(n -> n.get() > 1).count();
    Map<String, Integer> webhooksPerMessage = new HashMap<>();
    receiver.messageByWebhookId.values().forEach(m -> webhooksPerMessage.merge(m, 1, Integer::sum));
    long announcedTwice = webhooksPerMessage.values().stream().filter(n -> n > 1).count();

    System.out.println();
    System.out.printf(
        "| fault campaign (%s): separate processes, Dovecot, %.0f sends/s | result | must be |%n",
        plan.name(), plan.sendsPerSecond());
    System.out.println("|---|---|---|");
    row(
        "sends accepted (each with an Idempotency-Key, retried by the client)",
        statuses.size(),
        "");
    row("client retries of a request that got no answer or an error", retriedRequests.get(), "");
    row(
        "sends in a terminal state: sent / unknown / failed",
        sent + " / " + unknown + " / " + failed,
        "");
    row("lost: accepted, then pending, missing, or sent but not delivered", lost, "0");
    row("sends that reached the SMTP server twice (at-most-once mode)", twice, "0");
    for (Map.Entry<String, long[]> box : mailboxes.entrySet()) {
      row(
          "messages in " + box.getKey() + "'s mailbox / in the store after sync",
          box.getValue()[0] + " / " + box.getValue()[1],
          "equal");
    }
    row("sent messages whose message.sent webhook never arrived", notAnnounced, "0");
    row("webhook ids delivered more than once (subscribers dedupe by webhook-id)", redelivered, "");
    row("sent messages announced under two event ids", announcedTwice, "");
    System.out.println();
    System.out.printf(
        "| fault | away | process ready after | a new send sent after | normal rate (a burst of"
            + " %d before) | first send settled after the crash | rate while the backlog"
            + " drained | back at %.0f %% of normal (%d s window) after the crash |%n",
        BURST, RATE_BACK * 100, RATE_WINDOW.toSeconds());
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Fault f : faults) {
      boolean rated = !Double.isNaN(f.normalRate());
      System.out.printf(
          "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
          f.what(),
          seconds(f.away()),
          seconds(f.restart()),
          seconds(f.firstSend()),
          rated ? rate(f.normalRate()) : "",
          rated ? seconds(firstSettled(f)) : "",
          rated ? rate(drainRate(f)) : "",
          rated ? seconds(backAtRate(f)) : "");
    }
    boolean storesMatch = mailboxes.values().stream().allMatch(c -> c[0] == c[1]);
    boolean passed = lost == 0 && twice == 0 && storesMatch && notAnnounced == 0;
    System.out.println();
    System.out.println(passed ? "PASSED" : "FAILED");
    return passed;
  }

  /** One line per step on standard error, so a long run shows where it is. */
  private void progress(String step) {
    System.err.printf(
        "[faults] %s (accepted so far: %d, client retries: %d)%n",
        step, accepted.size(), retriedRequests.get());
  }

  private static void row(String measure, Object result, String target) {
    System.out.printf("| %s | %s | %s |%n", measure, result, target);
  }

  private static String rate(double perSecond) {
    return Double.isNaN(perSecond) ? "n/a" : String.format(Locale.ROOT, "%.1f sends/s", perSecond);
  }

  private static String seconds(Duration d) {
    return d == null ? "never" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** Key → status once every accepted send left queued and sending, or the drain ran out. */
  private Map<String, String> awaitSettled() {
    long deadline = System.nanoTime() + plan.drain().toNanos();
    Map<String, String> statuses = new LinkedHashMap<>();
    while (true) {
      statuses.clear();
      accepted.forEach((key, id) -> statuses.put(key, status(id)));
      boolean settled = statuses.values().stream().noneMatch(s -> s == null || PENDING.contains(s));
      if (settled || System.nanoTime() > deadline) {
        return statuses;
      }
      sleep(Duration.ofSeconds(1));
    }
  }

  private String status(String messageId) {
    try {
      Document message = messages().find(Filters.eq("_id", messageId)).first();
      return message == null ? null : message.getString("status").toUpperCase(Locale.ROOT);
    } catch (RuntimeException storeAway) {
      return null;
    }
  }

  private MongoCollection<Document> messages() {
    return mongo.getDatabase("mailroom").getCollection("messages");
  }

  /** How many times each campaign key's message is in Bob's INBOX. */
  private Map<String, Integer> deliveredByKey(DovecotServer dovecot) throws Exception {
    Map<String, Integer> byKey = new HashMap<>();
    try (Store store = imap(dovecot, DemoTenant.BOB)) {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      for (Message message : inbox.getMessages()) {
        String subject = message.getSubject();
        if (subject != null && subject.startsWith("Campaign ")) {
          byKey.merge(subject.substring("Campaign ".length()), 1, Integer::sum);
        }
      }
      inbox.close(false);
    }
    return byKey;
  }

  /** Messages in the mailbox at the server and in the store, after a sync asked for at the end. */
  private long[] awaitSynced(DovecotServer dovecot, String address, String mailboxId)
      throws Exception {
    long atServer = 0;
    try (Store store = imap(dovecot, address)) {
      for (Folder folder : store.getDefaultFolder().list("*")) {
        if ((folder.getType() & Folder.HOLDS_MESSAGES) != 0) {
          atServer += folder.getMessageCount();
        }
      }
    }
    new AdminClient(gateway)
        .call("POST", "/v1/mailboxes/" + mailboxId + "/sync", tenant.token(), null);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    long stored = -1;
    while (System.nanoTime() < deadline) {
      stored =
          messages()
              .countDocuments(
                  Filters.and(
                      Filters.eq("mailboxId", mailboxId),
                      Filters.ne("providerMessageId", null),
                      // A send that never reached the server (failed, or unknown and not found
                      // there) keeps its outbox reference: it is not a message of the mailbox.
                      Filters.not(Filters.regex("providerMessageId", "^outbox:")),
                      Filters.eq("deletedAt", null)));
      if (stored == atServer) {
        break;
      }
      sleep(Duration.ofSeconds(1));
    }
    return new long[] {atServer, stored};
  }

  private static Store imap(DovecotServer dovecot, String address) throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect(dovecot.host(), dovecot.imapPort(), address, "pw");
    return store;
  }

  private JsonNode mailbox(String id) {
    try {
      return new AdminClient(gateway)
          .call("GET", "/v1/mailboxes/" + id, tenant.token(), null)
          .body();
    } catch (RuntimeException e) {
      return JSON.createObjectNode();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
