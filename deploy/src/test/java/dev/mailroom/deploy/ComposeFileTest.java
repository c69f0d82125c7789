package dev.mailroom.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The compose file parses, pins every image, and gives every server a health check. */
class ComposeFileTest {
  private static final List<String> MAILROOM =
      List.of("api-gateway", "sync-worker", "send-worker", "webhook-dispatcher");

  @Test
  void theProductionLikeStackIsComplete() throws Exception {
    JsonNode compose =
        YAMLMapper.builder().build().readTree(Path.of("compose/compose.yaml").toFile());
    JsonNode services = compose.get("services");
    assertThat(services.propertyNames())
        .containsAll(MAILROOM)
        .contains("kafka", "mongo", "minio", "mail");
    for (String name : services.propertyNames()) {
      String image = services.get(name).get("image").asString();
      assertThat(image).as(name).contains(":").doesNotEndWith(":latest");
    }
    for (String name : List.of("kafka", "mongo", "minio")) {
      assertThat(services.get(name).has("healthcheck")).as(name).isTrue();
    }
    assertThat(services.at("/mongo/command").toString()).contains("--replSet");
    // YAML anchors and merge keys are resolved by compose; here the merged service is checked.
    for (String name : MAILROOM) {
      JsonNode service = services.get(name);
      assertThat(service.has("healthcheck")).as(name).isTrue();
      assertThat(service.at("/healthcheck/test").toString()).contains("/actuator/health/readiness");
    }
  }
}
