package dev.mailroom.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every status code the OpenAPI document gives an operation is one a test of this module saw the
 * gateway answer to a real request on that operation ({@link AnsweredStatuses} records them all). A
 * status no test reaches is either untested or not answered at all; the document must not promise
 * it.
 *
 * <p>Runs after every other test class of the run ({@code junit-platform.properties} orders by
 * {@link Order}), and judges only a run of the whole module: with a few tests selected it is
 * skipped, since their answers cover only their routes. {@code target/status-coverage.txt} lists
 * what was documented, seen and missing.
 */
@WithMailroomInfrastructure
@Order(Integer.MAX_VALUE)
class StatusCoverageTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");

  record Operation(String method, String template, Pattern pattern, int literals, String id) {}

  @Test
  void everyDocumentedStatusWasAnsweredToSomeTest(TestInfrastructure infrastructure)
      throws IOException {
    GatewayFixture gateway = GatewayFixture.shared(infrastructure);
    JsonNode document =
        JSON.readTree(
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

    List<Operation> operations = new ArrayList<>();
    Map<String, Set<Integer>> documented = new TreeMap<>();
    for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (!METHODS.contains(op.getKey())) {
          continue;
        }
        Operation operation = operation(op.getKey(), path.getKey(), op.getValue());
        operations.add(operation);
        Set<Integer> statuses = new TreeSet<>();
        op.getValue().get("responses").propertyNames().forEach(s -> statuses.add(status(s)));
        documented.put(key(operation), statuses);
      }
    }

    Map<String, Set<Integer>> seen = new TreeMap<>();
    for (AnsweredStatuses.Answer answer : AnsweredStatuses.all()) {
      match(operations, answer)
          .ifPresent(
              operation ->
                  seen.computeIfAbsent(key(operation), k -> new TreeSet<>()).add(answer.status()));
    }

    Map<String, Set<Integer>> missing = new TreeMap<>();
    documented.forEach(
        (operation, statuses) -> {
          Set<Integer> notSeen = new TreeSet<>(statuses);
          notSeen.removeAll(seen.getOrDefault(operation, Set.of()));
          if (!notSeen.isEmpty()) {
            missing.put(operation, notSeen);
          }
        });
    report(documented, seen, missing);

    Set<String> notRun = testClassesNotRun();
    Assumptions.assumeTrue(
        notRun.isEmpty(),
        () ->
            "Only a run of the whole module is judged; not run here: "
                + notRun.size()
                + " test classes");
    assertThat(missing)
        .as("documented statuses no test saw (see target/status-coverage.txt)")
        .isEmpty();
  }

  private static Operation operation(String method, String template, JsonNode operation) {
    String[] segments = template.substring(1).split("/");
    StringBuilder regex = new StringBuilder();
    int literals = 0;
    for (String segment : segments) {
      regex.append('/');
      if (segment.startsWith("{") && segment.endsWith("}")) {
        regex.append("[^/]+");
      } else {
        regex.append(Pattern.quote(segment));
        literals++;
      }
    }
    return new Operation(
        method.toUpperCase(java.util.Locale.ROOT),
        template,
        Pattern.compile(regex.toString()),
        literals,
        operation.path("operationId").asString(""));
  }

  /** The operation a request was for: among the templates it matches, the most literal one. */
  private static Optional<Operation> match(
      List<Operation> operations, AnsweredStatuses.Answer answer) {
    String path = answer.path().length() > 1 ? answer.path().replaceAll("/+$", "") : "/";
    return operations.stream()
        .filter(o -> o.method().equals(answer.method()))
        .filter(o -> o.pattern().matcher(path).matches())
        .max(Comparator.comparingInt(Operation::literals));
  }

  private static String key(Operation operation) {
    return operation.method() + " " + operation.template() + " (" + operation.id() + ")";
  }

  private static int status(String code) {
    return code.equals("default") ? 0 : Integer.parseInt(code);
  }

  /**
   * The test classes of this module that this run left out, as surefire would select them by
   * default (named {@code Test*}, {@code *Test}, {@code *Tests}, {@code *TestCase}).
   */
  private static Set<String> testClassesNotRun() throws IOException {
    Path root = Path.of("target/test-classes");
    Set<String> all;
    try (Stream<Path> walk = Files.walk(root)) {
      all =
          walk.map(root::relativize)
              .map(Path::toString)
              .filter(name -> name.endsWith(".class") && !name.contains("$"))
              .map(name -> name.substring(0, name.length() - ".class".length()))
              .filter(
                  name -> {
                    String simple = name.substring(name.lastIndexOf('/') + 1);
                    return simple.startsWith("Test")
                        || simple.endsWith("Test")
                        || simple.endsWith("Tests")
                        || simple.endsWith("TestCase");
                  })
              .map(name -> name.replace('/', '.'))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    all.removeAll(TestRun.classes());
    all.remove(TestRun.class.getName());
    return all;
  }

  private static void report(
      Map<String, Set<Integer>> documented,
      Map<String, Set<Integer>> seen,
      Map<String, Set<Integer>> missing)
      throws IOException {
    StringBuilder out = new StringBuilder();
    documented.forEach(
        (operation, statuses) ->
            out.append(operation)
                .append("\n  documented ")
                .append(statuses)
                .append("\n  seen       ")
                .append(seen.getOrDefault(operation, Set.of()))
                .append(
                    missing.containsKey(operation)
                        ? "\n  MISSING    " + missing.get(operation)
                        : "")
                .append('\n'));
    Files.writeString(Path.of("target/status-coverage.txt"), out.toString());
  }
}
