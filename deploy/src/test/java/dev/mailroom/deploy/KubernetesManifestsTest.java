package dev.mailroom.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Kubernetes manifests, rendered by {@code kubectl kustomize} (base and every overlay) and held
 * to the rules an operator relies on: probes, requests and limits, pinned images, non-root, a
 * disruption budget per Deployment, the gateway on a CPU autoscaler and each worker on a KEDA Kafka
 * scaler that names its real topic and consumer group and never exceeds the partitions.
 */
class KubernetesManifestsTest {
  static final Path KUBERNETES = Path.of("kubernetes");
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  /** Worker Deployment → the topic it consumes, from the code's own constants. */
  private static final Map<String, String> WORKERS =
      Map.of(
          "sync-worker", ConsumerGroups.SYNC_WORKER,
          "send-worker", ConsumerGroups.SEND_WORKER,
          "webhook-dispatcher", ConsumerGroups.WEBHOOK_DISPATCHER);

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/production", "overlays/development"})
  void rendersAndKeepsTheRules(String directory) throws Exception {
    List<JsonNode> docs = render(KUBERNETES.resolve(directory));
    List<JsonNode> deployments = ofKind(docs, "Deployment");
    assertThat(deployments)
        .extracting(d -> d.at("/metadata/name").asString())
        .containsExactlyInAnyOrder(
            "api-gateway", "sync-worker", "send-worker", "webhook-dispatcher");

    for (JsonNode deployment : deployments) {
      String name = deployment.at("/metadata/name").asString();
      JsonNode pod = deployment.at("/spec/template/spec");
      assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(name).isTrue();
      for (JsonNode container : pod.get("containers")) {
        String image = container.get("image").asString();
        assertThat(image).as(name + " image tag").matches("[^:]+:[^:]+").doesNotEndWith(":latest");
        assertThat(container.at("/readinessProbe/httpGet/path").asString())
            .as(name)
            .isEqualTo("/actuator/health/readiness");
        assertThat(container.at("/livenessProbe/httpGet/path").asString())
            .as(name)
            .isEqualTo("/actuator/health/liveness");
        assertThat(container.at("/resources/requests/cpu").isMissingNode()).as(name).isFalse();
        assertThat(container.at("/resources/requests/memory").isMissingNode()).as(name).isFalse();
        assertThat(container.at("/resources/limits/memory").isMissingNode()).as(name).isFalse();
        assertThat(container.toString())
            .as(name + " reads its secrets from a Secret")
            .contains("mailroom-secrets");
      }
      assertThat(ofKind(docs, "PodDisruptionBudget"))
          .as("a PodDisruptionBudget for " + name)
          .anyMatch(p -> selects(p.at("/spec/selector/matchLabels"), deployment));
    }

    assertGatewayActuatorStaysInside(docs);

    assertThat(ofKind(docs, "HorizontalPodAutoscaler"))
        .anyMatch(
            h ->
                h.at("/spec/scaleTargetRef/name").asString().equals("api-gateway")
                    && h.at("/spec/metrics/0/resource/name").asString().equals("cpu"));

    int partitions =
        Integer.parseInt(
            ofKind(docs, "ConfigMap").stream()
                .filter(c -> c.at("/metadata/name").asString().equals("mailroom-config"))
                .findFirst()
                .orElseThrow()
                .at("/data/MAILROOM_KAFKA_PARTITIONS")
                .asString());
    List<JsonNode> scaled = ofKind(docs, "ScaledObject");
    WORKERS.forEach(
        (worker, group) -> {
          JsonNode scaler =
              scaled.stream()
                  .filter(s -> s.at("/spec/scaleTargetRef/name").asString().equals(worker))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError("no ScaledObject for " + worker));
          JsonNode trigger = scaler.at("/spec/triggers/0");
          assertThat(trigger.get("type").asString()).isEqualTo("kafka");
          assertThat(trigger.at("/metadata/consumerGroup").asString()).isEqualTo(group);
          assertThat(trigger.at("/metadata/topic").asString())
              .isEqualTo(ConsumerGroups.SUBSCRIPTIONS.get(group));
          assertThat(scaler.at("/spec/maxReplicaCount").asInt())
              .as(worker + ": replicas beyond the partition count would sit idle")
              .isLessThanOrEqualTo(partitions);
          // The pod's name is stable across the kubelet's restarts of its container and unique
          // among the replicas: what a Kafka static member's instance id must be.
          JsonNode container =
              deployments.stream()
                  .filter(d -> d.at("/metadata/name").asString().equals(worker))
                  .findFirst()
                  .orElseThrow()
                  .at("/spec/template/spec/containers/0");
          assertThat(container.get("env"))
              .as(worker + ": MAILROOM_KAFKA_INSTANCE_ID from the pod's name")
              .anyMatch(
                  e ->
                      e.get("name").asString().equals("MAILROOM_KAFKA_INSTANCE_ID")
                          && e.at("/valueFrom/fieldRef/fieldPath")
                              .asString()
                              .equals("metadata.name"));
        });
  }

  @org.junit.jupiter.api.Test
  void theTopicScriptCreatesEveryTopicAndDeadLetterTopicTheCodeUses() throws IOException {
    String script =
        Files.readString(KUBERNETES.resolve("base/mailroom-topics.sh"), StandardCharsets.UTF_8);
    List<String> expected =
        new ArrayList<>(List.of(Topics.COMMANDS_SEND, Topics.COMMANDS_MAILBOX, Topics.EVENTS));
    ConsumerGroups.SUBSCRIPTIONS.forEach(
        (group, topic) -> expected.add(Topics.deadLetterTopic(topic, group)));
    for (String topic : expected) {
      assertThat(script)
          .as(topic)
          .containsPattern("(?m)^\\s+" + java.util.regex.Pattern.quote(topic) + "$");
    }
  }

  /**
   * The gateway's actuator runs on a management port that Prometheus scrapes and the probes use,
   * and that its Service does not expose; the API port has no actuator at all.
   */
  private static void assertGatewayActuatorStaysInside(List<JsonNode> docs) {
    JsonNode gateway =
        ofKind(docs, "Deployment").stream()
            .filter(d -> d.at("/metadata/name").asString().equals("api-gateway"))
            .findFirst()
            .orElseThrow();
    JsonNode container = gateway.at("/spec/template/spec/containers/0");
    String managementPort = null;
    for (JsonNode env : container.get("env")) {
      if (env.get("name").asString().equals("MANAGEMENT_SERVER_PORT")) {
        managementPort = env.get("value").asString();
      }
    }
    assertThat(managementPort).as("api-gateway MANAGEMENT_SERVER_PORT").isNotNull();
    assertThat(gateway.at("/spec/template/metadata/annotations/prometheus.io~1port").asString())
        .isEqualTo(managementPort);
    String portName = null;
    for (JsonNode port : container.get("ports")) {
      if (port.get("containerPort").asString().equals(managementPort)) {
        portName = port.get("name").asString();
      }
    }
    assertThat(portName).as("a named container port for " + managementPort).isNotNull();
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      assertThat(container.at("/" + probe + "/httpGet/port").asString())
          .as(probe)
          .isEqualTo(portName);
    }
    JsonNode service =
        ofKind(docs, "Service").stream()
            .filter(d -> d.at("/metadata/name").asString().equals("api-gateway"))
            .findFirst()
            .orElseThrow();
    for (JsonNode port : service.at("/spec/ports")) {
      assertThat(port.get("targetPort").asString()).isNotIn(portName, managementPort);
      assertThat(port.get("port").asString()).isNotEqualTo(managementPort);
    }
  }

  private static boolean selects(JsonNode labels, JsonNode deployment) {
    JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
    List<String> names = new ArrayList<>();
    labels.propertyNames().forEach(names::add);
    return !names.isEmpty() && names.stream().allMatch(k -> labels.get(k).equals(podLabels.get(k)));
  }

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asString())).toList();
  }

  /**
   * {@code kubectl kustomize} when kubectl is installed (CI installs it); otherwise the directory's
   * own files, so the rules still run on a machine with only a JDK.
   */
  static List<JsonNode> render(Path directory) throws Exception {
    String yaml;
    if (kubectlAvailable()) {
      Process process =
          new ProcessBuilder("kubectl", "kustomize", directory.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("kubectl kustomize " + directory).isZero();
    } else {
      Path base = KUBERNETES.resolve("base");
      StringBuilder all = new StringBuilder();
      try (Stream<Path> files = Files.list(base)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
          if (!file.getFileName().toString().equals("kustomization.yaml")) {
            all.append(Files.readString(file)).append("\n---\n");
          }
        }
      }
      yaml = all.toString();
    }
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    assertThat(docs).isNotEmpty();
    return docs;
  }

  static boolean kubectlAvailable() {
    try {
      Process process =
          new ProcessBuilder("kubectl", "version", "--client")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
