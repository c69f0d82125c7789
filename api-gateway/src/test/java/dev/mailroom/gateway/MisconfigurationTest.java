package dev.mailroom.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.runtime.config.MailroomServices;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad configuration stops the service at once, naming the property; nothing is contacted. */
class MisconfigurationTest {
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

  /** Starts with valid settings except {@code overrides} ({@code name=value}). */
  private static void start(String... overrides) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("server.port", "0");
    properties.put("spring.main.banner-mode", "off");
    properties.put("mailroom.security.credential-key", KEY);
    properties.put("mailroom.gateway.admin-key", "misconfiguration-admin-key-0123");
    for (String override : overrides) {
      int eq = override.indexOf('=');
      properties.put(override.substring(0, eq), override.substring(eq + 1));
    }
    // Each property once: a repeated command-line argument would become a list, not an override.
    String[] args =
        properties.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    MailroomServices.builder(GatewayApplication.class, GatewayApplication.SERVICE_NAME)
        .run(args)
        .close();
  }

  @Test
  void aMalformedMongoUri() {
    assertThatThrownBy(() -> start("spring.mongodb.uri=mongo:/nowhere"))
        .hasStackTraceContaining("spring.mongodb.uri");
  }

  @Test
  void malformedKafkaBootstrapServers() {
    assertThatThrownBy(() -> start("spring.kafka.bootstrap-servers=localhost"))
        .hasStackTraceContaining("spring.kafka.bootstrap-servers")
        .hasStackTraceContaining("expected host:port");
  }

  @Test
  void aMalformedS3Endpoint() {
    assertThatThrownBy(() -> start("mailroom.s3.endpoint=::not a uri"))
        .hasStackTraceContaining("mailroom.s3.endpoint");
  }

  @Test
  void aMissingAdminKey() {
    assertThatThrownBy(() -> start("mailroom.gateway.admin-key="))
        .hasStackTraceContaining("mailroom.gateway.admin-key");
  }

  @Test
  void aCredentialKeyOfTheWrongSize() {
    assertThatThrownBy(
            () ->
                start(
                    "mailroom.security.credential-key="
                        + Base64.getEncoder().encodeToString(new byte[8])))
        .hasStackTraceContaining("mailroom.security.credential-key");
  }
}
