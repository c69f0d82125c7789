package dev.mailroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ready-made requests of {@code docs/requests/mailroom.http} cover every route the OpenAPI
 * document lists (which {@code OpenApiGoldenTest} keeps equal to what the gateway serves), and name
 * no route that does not exist: a new route without its request fails here.
 */
class RequestCollectionTest {
  private static final Path COLLECTION = Path.of("..", "docs", "requests", "mailroom.http");
  private static final Path DOCUMENT =
      Path.of("src", "test", "resources", "openapi", "mailroom.json");
  private static final Pattern REQUEST_LINE =
      Pattern.compile("^(GET|POST|PUT|PATCH|DELETE) \\{\\{url}}(/[^?\\s]*)", Pattern.MULTILINE);

  @Test
  void everyDocumentedRouteHasARequestAndEveryRequestARoute() throws IOException {
    Set<String> documented = new TreeSet<>();
    JsonNode paths =
        JsonMapper.builder().build().readTree(Files.readString(DOCUMENT)).path("paths");
    for (Map.Entry<String, JsonNode> path : paths.properties()) {
      for (String method : path.getValue().propertyNames()) {
        documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + shape(path.getKey()));
      }
    }
    Set<String> collected = new TreeSet<>();
    Matcher request = REQUEST_LINE.matcher(Files.readString(COLLECTION));
    while (request.find()) {
      collected.add(request.group(1) + " " + shape(request.group(2)));
    }
    assertThat(collected)
        .as("requests in %s", COLLECTION)
        .containsExactlyInAnyOrderElementsOf(documented);
  }

  /** {@code /a/{id}} and {@code /a/{{id}}} alike become {@code /a/*}. */
  private static String shape(String path) {
    return path.replaceAll("\\{\\{?[A-Za-z_]+}}?", "*");
  }
}
