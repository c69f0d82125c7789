package dev.mailroom.localstack;

import dev.mailroom.infra.LocalInfrastructure;
import dev.mailroom.infra.Ports;
import dev.mailroom.localstack.LocalStack.Service;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The quick start: infrastructure on disk under {@code --data-dir}, the four services, a demo
 * tenant, and {@code quickstart.env} for scripts, written only once everything is ready. Runs until
 * Ctrl-C. Every option is {@code --name=value}; see {@link #DEFAULTS}.
 */
public final class LocalStackMain {
  static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("data-dir", ".mailroom/data");
    DEFAULTS.put("env-file", ".mailroom/quickstart.env");
    DEFAULTS.put("gateway-port", "8080");
    DEFAULTS.put("sync-worker-port", "8081");
    DEFAULTS.put("send-worker-port", "8082");
    DEFAULTS.put("webhook-dispatcher-port", "8083");
    DEFAULTS.put("kafka-port", "19092");
    DEFAULTS.put("kafka-controller-port", "19093");
    DEFAULTS.put("mongo-port", "27117");
    DEFAULTS.put("s3-port", "19000");
    DEFAULTS.put("smtp-port", "3025");
    DEFAULTS.put("imap-port", "3143");
    DEFAULTS.put("hosted-smtp-port", "2525");
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private LocalStackMain() {}

  public static void main(String[] args) throws Exception {
    // The services share one JVM: let logback.xml configure logging once, not each service.
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    Map<String, String> options = parse(args);
    Path dataDir = Path.of(options.get("data-dir")).toAbsolutePath();
    Path envFile = Path.of(options.get("env-file")).toAbsolutePath();
    Files.createDirectories(dataDir);
    System.setProperty("mailroom.log.file", dataDir.resolve("mailroom.log").toString());
    // Only a ready suite may leave an env file behind: a stale one would mislead scripts.
    Files.deleteIfExists(envFile);
    refuseBusyPorts(options);

    long started = System.nanoTime();
    Properties state = loadState(dataDir.resolve("quickstart.properties"));
    String adminKey = state.computeIfAbsent("adminKey", k -> "adm_" + random(24)).toString();
    String credentialKey = state.computeIfAbsent("credentialKey", k -> base64(32)).toString();
    String s3Secret = state.computeIfAbsent("s3SecretKey", k -> random(24)).toString();
    String alicePassword = state.computeIfAbsent("alicePassword", k -> random(12)).toString();
    String bobPassword = state.computeIfAbsent("bobPassword", k -> random(12)).toString();
    saveState(dataDir.resolve("quickstart.properties"), state);

    LocalInfrastructure.Options infrastructure =
        new LocalInfrastructure.Options(
            dataDir,
            Ports.LOOPBACK,
            port(options, "kafka-port"),
            port(options, "kafka-controller-port"),
            port(options, "mongo-port"),
            port(options, "s3-port"),
            port(options, "smtp-port"),
            port(options, "imap-port"),
            "mailroom",
            s3Secret,
            null); // with a data directory, Kafka runs in a child JVM logging to it
    Map<Service, Integer> ports = new EnumMap<>(Service.class);
    ports.put(Service.API_GATEWAY, port(options, "gateway-port"));
    ports.put(Service.SYNC_WORKER, port(options, "sync-worker-port"));
    ports.put(Service.SEND_WORKER, port(options, "send-worker-port"));
    ports.put(Service.WEBHOOK_DISPATCHER, port(options, "webhook-dispatcher-port"));

    System.out.println("Starting Mailroom (data in " + dataDir + ") ...");
    // One suite per broker, one of each service: after a crash (kill -9) the restarted services
    // take their Kafka partitions back at once, as static members under this id (ADR 20).
    LocalStack stack =
        LocalStack.start(
            new LocalStack.Options(
                infrastructure,
                ports,
                adminKey,
                credentialKey,
                Map.of(
                    "mailroom.kafka.instance-id",
                    "quickstart",
                    // The hosted mailbox's receiver on a port its users know (ADR 27).
                    "mailroom.hosted.smtp.port",
                    String.valueOf(port(options, "hosted-smtp-port")))));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nStopping Mailroom ...");
                  try {
                    Files.deleteIfExists(envFile);
                  } catch (IOException ignored) {
                    // best effort: the next start deletes it too
                  }
                  stack.close();
                  stopped.countDown();
                },
                "mailroom-shutdown"));

    String url = stack.url(Service.API_GATEWAY);
    DemoTenant demo;
    String hostedId;
    String hostedSmtp = Ports.LOOPBACK + ":" + port(options, "hosted-smtp-port");
    try {
      stack.mailServer().addUser(DemoTenant.ALICE, alicePassword);
      stack.mailServer().addUser(DemoTenant.BOB, bobPassword);
      ReadinessProbe.awaitReady(stack, Duration.ofSeconds(60));
      demo = demoTenant(new AdminClient(url), adminKey, stack, state, dataDir);
      hostedId = hostedMailbox(new AdminClient(url), adminKey, demo, state, dataDir);
      writeEnvFile(envFile, url, adminKey, demo, hostedId, hostedSmtp, stack);
    } catch (RuntimeException e) {
      System.err.println("Mailroom did not start: " + e.getMessage());
      System.exit(1); // runs the shutdown hook, which stops what did start
      return;
    }
    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
    System.out.println(banner(url, demo, hostedId, hostedSmtp, envFile, seconds, stack));
    stopped.await();
  }

  /** The demo's hosted mailbox, made once (also for a data directory from before it existed). */
  private static String hostedMailbox(
      AdminClient client, String adminKey, DemoTenant demo, Properties state, Path dataDir) {
    String hostedId = state.getProperty("hostedId");
    if (hostedId != null
        && demo.tenantId().equals(state.getProperty("hostedTenantId"))
        && client
                .call(
                    "GET",
                    "/admin/tenants/" + demo.tenantId() + "/mailboxes/" + hostedId,
                    adminKey,
                    null)
                .status()
            == 200) {
      return hostedId;
    }
    hostedId = HostedDemo.create(client, adminKey, demo.tenantId());
    state.setProperty("hostedId", hostedId);
    state.setProperty("hostedTenantId", demo.tenantId());
    saveState(dataDir.resolve("quickstart.properties"), state);
    return hostedId;
  }

  private static DemoTenant demoTenant(
      AdminClient client, String adminKey, LocalStack stack, Properties state, Path dataDir) {
    String tenantId = state.getProperty("tenantId");
    if (tenantId != null
        && client.call("GET", "/admin/tenants/" + tenantId, adminKey, null).status() == 200) {
      return new DemoTenant(
          tenantId,
          state.getProperty("token"),
          state.getProperty("aliceId"),
          state.getProperty("bobId"),
          state.getProperty("alicePassword"),
          state.getProperty("bobPassword"));
    }
    DemoTenant demo =
        DemoTenant.create(
            client,
            adminKey,
            stack.endpoints().mail(),
            state.getProperty("alicePassword"),
            state.getProperty("bobPassword"));
    state.setProperty("tenantId", demo.tenantId());
    state.setProperty("token", demo.token());
    state.setProperty("aliceId", demo.aliceId());
    state.setProperty("bobId", demo.bobId());
    saveState(dataDir.resolve("quickstart.properties"), state);
    return demo;
  }

  private static void writeEnvFile(
      Path envFile,
      String url,
      String adminKey,
      DemoTenant demo,
      String hostedId,
      String hostedSmtp,
      LocalStack stack)
      throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("MAILROOM_URL", url);
    values.put("MAILROOM_TOKEN", demo.token());
    values.put("MAILROOM_ADMIN_KEY", adminKey);
    values.put("MAILROOM_TENANT", demo.tenantId());
    values.put("MAILROOM_ALICE_ID", demo.aliceId());
    values.put("MAILROOM_BOB_ID", demo.bobId());
    values.put("MAILROOM_SMTP", stack.endpoints().mail().smtp());
    values.put("MAILROOM_IMAP", stack.endpoints().mail().imap());
    values.put("MAILROOM_ALICE_PASSWORD", demo.alicePassword());
    values.put("MAILROOM_BOB_PASSWORD", demo.bobPassword());
    values.put("MAILROOM_HOSTED_ADDRESS", HostedDemo.ADDRESS);
    values.put("MAILROOM_HOSTED_ID", hostedId);
    // Seed 004 calls a hosted mailbox an inbox: the same id, under the name its routes use.
    values.put("MAILROOM_INBOX_ID", hostedId);
    values.put("MAILROOM_HOSTED_SMTP", hostedSmtp);
    StringBuilder text =
        new StringBuilder("# Written by the Mailroom quick start once it was ready.\n");
    values.forEach((k, v) -> text.append("export ").append(k).append("='").append(v).append("'\n"));
    Files.createDirectories(envFile.getParent());
    Path partial = envFile.resolveSibling(envFile.getFileName() + ".partial");
    Files.writeString(partial, text);
    // Appear whole or not at all, for scripts polling for the file.
    Files.move(partial, envFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String banner(
      String url,
      DemoTenant demo,
      String hostedId,
      String hostedSmtp,
      Path envFile,
      long seconds,
      LocalStack stack) {
    return """

        Mailroom is ready (%d s).

          API           %s
          API token     %s
          Tenant        %s
          Mailboxes     %s (%s)  %s (%s)
          Mail server   SMTP %s  IMAP %s  (passwords in the env file)
          Hosted        %s (inbox %s), receiving on SMTP %s
          Env file      %s

        Try:
          source %s
          curl $MAILROOM_URL/actuator/health/readiness
          curl -H "Authorization: Bearer $MAILROOM_TOKEN" $MAILROOM_URL/v1/mailboxes
          curl -X POST -H "Authorization: Bearer $MAILROOM_TOKEN" $MAILROOM_URL/v1/mailboxes/$MAILROOM_ALICE_ID/sync
          curl -X POST -H "Authorization: Bearer $MAILROOM_TOKEN" -H 'Content-Type: application/json' \\
            -d '{"url":"http://localhost:9000/hooks","eventTypes":["message.received"]}' \\
            $MAILROOM_URL/v1/webhooks      (webhooks to localhost are allowed here)
          curl -H "Authorization: Bearer $MAILROOM_TOKEN" $MAILROOM_URL/mailboxes/$MAILROOM_HOSTED_ADDRESS/messages
          curl -H "Authorization: Bearer $MAILROOM_TOKEN" $MAILROOM_URL/inboxes/$MAILROOM_INBOX_ID/messages

        Ctrl-C stops everything; data stays for the next start.
        """
        .formatted(
            seconds,
            url,
            demo.token(),
            demo.tenantId(),
            DemoTenant.ALICE,
            demo.aliceId(),
            DemoTenant.BOB,
            demo.bobId(),
            stack.endpoints().mail().smtp(),
            stack.endpoints().mail().imap(),
            HostedDemo.ADDRESS,
            hostedId,
            hostedSmtp,
            envFile,
            envFile);
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>(DEFAULTS);
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
      if (name == null || !DEFAULTS.containsKey(name)) {
        throw new IllegalArgumentException(
            "Unknown option "
                + arg
                + "; options are --"
                + String.join("=, --", DEFAULTS.keySet())
                + "=");
      }
      options.put(name, arg.substring(eq + 1));
    }
    return options;
  }

  private static void refuseBusyPorts(Map<String, String> options) {
    for (String name : options.keySet()) {
      if (name.endsWith("-port") && Ports.inUse(port(options, name))) {
        System.err.println(
            "Port "
                + options.get(name)
                + " ("
                + name
                + ") is in use: is Mailroom already running? Choose another with --"
                + name
                + "=PORT");
        System.exit(2);
      }
    }
  }

  private static int port(Map<String, String> options, String name) {
    try {
      return Integer.parseInt(options.get(name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a port number", e);
    }
  }

  private static Properties loadState(Path file) {
    Properties properties = new Properties();
    if (Files.exists(file)) {
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return properties;
  }

  private static void saveState(Path file, Properties state) {
    try (Writer writer = Files.newBufferedWriter(file)) {
      state.store(writer, "Mailroom quick start: generated secrets and demo ids (local use only)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String random(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  private static String base64(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw);
  }
}
