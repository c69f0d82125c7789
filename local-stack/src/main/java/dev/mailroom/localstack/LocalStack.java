package dev.mailroom.localstack;

import dev.mailroom.gateway.GatewayApplication;
import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.LocalInfrastructure;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.runtime.config.MailroomServices;
import dev.mailroom.send.SendWorkerApplication;
import dev.mailroom.sync.SyncWorkerApplication;
import dev.mailroom.webhook.WebhookDispatcherApplication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Infrastructure plus the four services in one JVM, each service in its own Spring context with its
 * own configuration, exactly as it would run alone: the quick start and the system tests.
 */
public final class LocalStack implements AutoCloseable {

  /** A service of the suite: its application class, name and actuator/HTTP port. */
  public enum Service {
    API_GATEWAY(GatewayApplication.class, GatewayApplication.SERVICE_NAME),
    SYNC_WORKER(SyncWorkerApplication.class, SyncWorkerApplication.SERVICE_NAME),
    SEND_WORKER(SendWorkerApplication.class, SendWorkerApplication.SERVICE_NAME),
    WEBHOOK_DISPATCHER(
        WebhookDispatcherApplication.class, WebhookDispatcherApplication.SERVICE_NAME);

    final Class<?> application;
    final String serviceName;

    /** The class whose {@code main} starts the service alone. */
    public Class<?> application() {
      return application;
    }

    public String serviceName() {
      return serviceName;
    }

    Service(Class<?> application, String serviceName) {
      this.application = application;
      this.serviceName = serviceName;
    }
  }

  /**
   * @param ports HTTP port per service; 0 picks a free one
   * @param properties extra Spring properties given to every service (tests raise limits here)
   */
  public record Options(
      LocalInfrastructure.Options infrastructure,
      Map<Service, Integer> ports,
      String adminKey,
      String credentialKey,
      Map<String, String> properties) {}

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  private final LocalInfrastructure infrastructure;
  private final Map<Service, ConfigurableApplicationContext> services = new LinkedHashMap<>();

  private LocalStack(Options options) {
    this.infrastructure = LocalInfrastructure.start(options.infrastructure());
    try {
      for (Service service : Service.values()) {
        services.put(service, startService(service, options));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public static LocalStack start(Options options) {
    return new LocalStack(options);
  }

  /**
   * A throwaway suite, as system tests and benchmarks run one: services on free ports, a credential
   * key of zeros, {@code properties} tuning the services; returns once every service is ready.
   */
  public static LocalStack startReady(
      LocalInfrastructure.Options infrastructure, String adminKey, Map<String, String> properties) {
    LocalStack stack =
        start(
            new Options(
                infrastructure,
                Map.of(),
                adminKey,
                Base64.getEncoder().encodeToString(new byte[32]),
                properties));
    ReadinessProbe.awaitReady(stack, Duration.ofSeconds(60));
    return stack;
  }

  private ConfigurableApplicationContext startService(Service service, Options options) {
    Map<String, String> properties =
        serviceProperties(
            service,
            infrastructure.endpoints(),
            options.adminKey(),
            options.credentialKey(),
            options.ports().getOrDefault(service, 0));
    properties.putAll(options.properties());
    // Command-line arguments outrank each service's own yaml, as an operator's would.
    List<String> args = new ArrayList<>();
    properties.forEach((key, value) -> args.add("--" + key + "=" + value));
    ConfigurableApplicationContext context =
        MailroomServices.builder(service.application, service.serviceName)
            .run(args.toArray(String[]::new));
    log.info(
        "Started {} on port {}",
        service.serviceName,
        ((WebServerApplicationContext) context).getWebServer().getPort());
    return context;
  }

  /**
   * What a service of a local suite is started with, in this JVM or as a process of its own (the
   * fault campaign runs each service in its own): where the infrastructure is, the keys, and the
   * settings for loopback servers.
   */
  public static Map<String, String> serviceProperties(
      Service service,
      InfrastructureEndpoints endpoints,
      String adminKey,
      String credentialKey,
      int port) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("spring.kafka.bootstrap-servers", endpoints.kafkaBootstrapServers());
    properties.put("spring.mongodb.uri", endpoints.mongoUri());
    properties.put("mailroom.store.exact-match-indexes", "true");
    properties.put("mailroom.s3.endpoint", endpoints.s3().endpoint());
    properties.put("mailroom.s3.region", endpoints.s3().region());
    properties.put("mailroom.s3.access-key", endpoints.s3().accessKey());
    properties.put("mailroom.s3.secret-key", endpoints.s3().secretKey());
    properties.put("mailroom.security.credential-key", credentialKey);
    properties.put("mailroom.gateway.admin-key", adminKey);
    // One local broker: more partitions than the workers' threads only costs start-up time.
    properties.put("mailroom.kafka.partitions", "3");
    properties.put("server.port", Integer.toString(port));
    properties.put("server.address", endpoints.mail().host());
    properties.put("spring.main.banner-mode", "off");
    // Local development: webhooks may be delivered to a receiver on this machine, over http.
    properties.put("mailroom.webhooks.allowed-hosts", "localhost,127.0.0.1");
    // Its own mail server is on loopback, which the admin API refuses unless allow-listed.
    properties.put("mailroom.gateway.mail-server-allowed-hosts", endpoints.mail().host());
    // Hosted mailboxes (ADR 27): their receiver on loopback (a free port unless one is given), and
    // their sends relayed through the local mail server.
    properties.put("mailroom.hosted.smtp.enabled", "true");
    properties.put("mailroom.hosted.smtp.bind-address", endpoints.mail().host());
    properties.put("mailroom.hosted.smtp.port", "0");
    properties.put("mailroom.hosted.relay.host", endpoints.mail().host());
    properties.put("mailroom.hosted.relay.port", Integer.toString(endpoints.mail().smtpPort()));
    properties.put("mailroom.hosted.relay.security", "none");
    // Boot would name the launcher, not the service, in its start-up lines.
    properties.put("spring.main.log-startup-info", "false");
    if (service != Service.API_GATEWAY) {
      // The gateway brings Spring Security onto this one JVM's class path; deployed alone a
      // worker has none, and here it must not get Boot's default login on its actuator either.
      properties.put(
          "spring.autoconfigure.exclude",
          String.join(
              ",",
              "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
              "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
              "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
              "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
              "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
              "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
              "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
              "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration"));
    }
    return properties;
  }

  public InfrastructureEndpoints endpoints() {
    return infrastructure.endpoints();
  }

  public EmbeddedMailServer mailServer() {
    return infrastructure.mailServer();
  }

  public int port(Service service) {
    return ((WebServerApplicationContext) services.get(service)).getWebServer().getPort();
  }

  public String url(Service service) {
    return "http://" + endpoints().mail().host() + ":" + port(service);
  }

  public Map<Service, ConfigurableApplicationContext> services() {
    return Collections.unmodifiableMap(services);
  }

  /** Services first (they drain their consumers), then the infrastructure under them. */
  @Override
  public void close() {
    List<ConfigurableApplicationContext> running = new ArrayList<>(services.values());
    Collections.reverse(running);
    for (ConfigurableApplicationContext context : running) {
      try {
        context.close();
      } catch (RuntimeException e) {
        System.err.println("Stopping a service: " + e);
      }
    }
    services.clear();
    infrastructure.close();
  }
}
