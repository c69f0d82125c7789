package dev.mailroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The served OpenAPI document is pinned: a change to the API shows up here and must be accepted
 * deliberately (regenerate with {@code -Dgolden.update=true}).
 */
@WithMailroomInfrastructure
class OpenApiGoldenTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String GOLDEN = "openapi/mailroom.json";

  @Test
  void theServedDocumentMatchesTheGoldenSnapshot(TestInfrastructure infrastructure)
      throws IOException {
    GatewayFixture gateway = GatewayFixture.shared(infrastructure);
    String served =
        gateway
            .client()
            .get()
            .uri("/v3/api-docs")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    ObjectNode document = (ObjectNode) JSON.readTree(served);
    document.remove("servers"); // carries the test's random port
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(
          Path.of("src/test/resources", GOLDEN),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n");
    }
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(GOLDEN)) {
      assertThat(in).as(GOLDEN).isNotNull();
      JsonNode golden = JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      assertThat(document).isEqualTo(golden);
    }
  }

  @Test
  void swaggerUiIsServed(TestInfrastructure infrastructure) {
    GatewayFixture.shared(infrastructure)
        .client()
        .get()
        .uri("/swagger-ui/index.html")
        .exchange()
        .expectStatus()
        .isOk();
  }
}
