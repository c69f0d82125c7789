package dev.mailroom.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import io.swagger.v3.oas.annotations.Operation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rules that make the served OpenAPI document one a client can be generated from and a person
 * can read, checked over whatever operations and schemas exist, so that a new route is held to them
 * without touching this test.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiConventionsTest {
  /**
   * Operations that take no credentials: SNS sends none, so each of its notifications is checked by
   * its own signature instead.
   */
  private static final Set<String> PUBLIC_OPERATIONS = Set.of("receiveSesNotification");

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private static final Set<String> SCALARS = Set.of("string", "integer", "number", "boolean");

  /** verbNoun: lower camel case, as springdoc never derives it ({@code get_1}, {@code list}). */
  private static final Pattern OPERATION_ID = Pattern.compile("[a-z]+[A-Z][A-Za-z0-9]*");

  private JsonNode document;
  private GatewayFixture gateway;

  @BeforeAll
  void load(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    document =
        JsonMapper.builder()
            .build()
            .readTree(
                gateway
                    .client()
                    .get()
                    .uri("/v3/api-docs")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody());
  }

  @Test
  void everyOperationIsNamedTaggedSummarizedAndSecured() {
    List<String> problems = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> schemes = new HashSet<>(document.at("/components/securitySchemes").propertyNames());
    assertThat(schemes).isNotEmpty();
    int count = 0;
    for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> entry : path.getValue().properties()) {
        if (!METHODS.contains(entry.getKey())) {
          continue;
        }
        count++;
        String where = entry.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
        JsonNode op = entry.getValue();
        String id = op.path("operationId").asString("");
        if (!OPERATION_ID.matcher(id).matches()) {
          problems.add(where + ": operationId '" + id + "' is not verbNoun");
        } else if (!ids.add(id)) {
          problems.add(where + ": operationId " + id + " is used twice");
        }
        if (op.path("tags").isEmpty()) {
          problems.add(where + ": no tag");
        }
        if (op.path("summary").asString("").isBlank()) {
          problems.add(where + ": no summary");
        }
        JsonNode security = op.path("security");
        if (PUBLIC_OPERATIONS.contains(id)) {
          // Public on purpose (RouteSecurityTest lists it too): it must not claim a scheme.
          if (!security.isEmpty()) {
            problems.add(where + ": public, yet names a security scheme");
          }
        } else {
          securityProblems(problems, where, path.getKey(), security, schemes);
        }
        for (JsonNode parameter : op.path("parameters")) {
          String name = parameter.path("name").asString();
          if (parameter.path("description").asString("").isBlank()) {
            problems.add(where + ": parameter " + name + " has no description");
          }
          if (!parameter.path("schema").has("type") && !parameter.path("schema").has("$ref")) {
            problems.add(where + ": parameter " + name + " has no type");
          }
        }
        for (Map.Entry<String, JsonNode> response : op.path("responses").properties()) {
          String status = response.getKey();
          if (response.getValue().path("description").asString("").isBlank()) {
            problems.add(where + " " + status + ": no description");
          }
          JsonNode content = response.getValue().path("content");
          if (status.equals("204") && !content.isMissingNode() && !content.isEmpty()) {
            problems.add(where + " 204 has a body");
          }
          if (!status.equals("204") && content.isEmpty()) {
            problems.add(where + " " + status + ": no content");
          }
          if (status.startsWith("4")
              && !content
                  .path("application/json")
                  .path("schema")
                  .path("$ref")
                  .asString("")
                  .endsWith("/ApiError")) {
            problems.add(where + " " + status + ": not the ApiError schema as application/json");
          }
        }
      }
    }
    assertThat(count).isGreaterThan(10);
    assertThat(problems).isEmpty();
  }

  @Test
  void noMediaTypeIsAWildcard() {
    assertThat(document.toString()).doesNotContain("\"*/*\"");
  }

  @Test
  void everyPropertyIsDescribedAndEveryScalarHasAnExample() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> schema : document.at("/components/schemas").properties()) {
      if (schema.getValue().path("description").asString("").isBlank()) {
        problems.add(schema.getKey() + ": no description");
      }
      check(schema.getKey(), schema.getValue(), problems);
    }
    assertThat(problems).isEmpty();
  }

  private static void check(String where, JsonNode schema, List<String> problems) {
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      String name = where + "." + property.getKey();
      JsonNode p = property.getValue();
      if (p.path("description").asString("").isBlank()) {
        problems.add(name + ": no description");
      }
      if (isScalar(p) && !p.has("example") && !p.has("examples") && !p.has("enum")) {
        problems.add(name + ": no example");
      }
      check(name, p, problems);
      check(name + "[]", p.path("items"), problems);
    }
  }

  private static boolean isScalar(JsonNode property) {
    if (property.has("$ref")) {
      return false;
    }
    JsonNode type = property.path("type");
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (SCALARS.contains(t.asString())) {
          return true;
        }
      }
      return false;
    }
    return SCALARS.contains(type.asString(""));
  }

  /** Explicit, so that a renamed method never renames a client's method. */
  @Test
  void everyRouteDeclaresItsOperationId() {
    List<String> undeclared = new ArrayList<>();
    for (RequestMappingHandlerMapping mapping :
        gateway.beans(RequestMappingHandlerMapping.class).values()) {
      for (Map.Entry<RequestMappingInfo, HandlerMethod> route :
          mapping.getHandlerMethods().entrySet()) {
        HandlerMethod handler = route.getValue();
        if (!handler.getBeanType().getPackageName().startsWith("dev.mailroom.gateway")) {
          continue;
        }
        Operation operation = handler.getMethodAnnotation(Operation.class);
        if (operation == null || operation.operationId().isBlank()) {
          undeclared.add(route.getKey() + " " + handler);
        }
      }
    }
    assertThat(undeclared).isEmpty();
  }

  private static void securityProblems(
      List<String> problems, String where, String path, JsonNode security, Set<String> schemes) {
    if (security.isEmpty()) {
      problems.add(where + ": names no security scheme");
    }
    for (JsonNode requirement : security) {
      for (String scheme : requirement.propertyNames()) {
        if (!schemes.contains(scheme)) {
          problems.add(where + ": unknown security scheme " + scheme);
        }
      }
    }
    boolean admin = path.startsWith("/admin");
    String expected = admin ? "adminKey" : "apiToken";
    if (!security.toString().contains("\"" + expected + "\"")) {
      problems.add(where + ": should name the " + expected + " scheme");
    }
  }
}
