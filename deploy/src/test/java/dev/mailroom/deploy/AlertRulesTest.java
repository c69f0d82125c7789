package dev.mailroom.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Prometheus alert rules an operator loads: each names an alert, a severity and a summary, and
 * every metric its expression reads is one the services export, as listed in the README's table of
 * what to watch (which other tests keep in step with the code).
 */
class AlertRulesTest {
  private static final Path RULES = Path.of("monitoring", "mailroom-alerts.yaml");
  private static final Pattern METRIC = Pattern.compile("\\bmailroom_[a-z_]+");

  @Test
  void everyRuleIsCompleteAndReadsOnlyExportedMetrics() throws IOException {
    JsonNode groups = YAMLMapper.builder().build().readTree(RULES.toFile()).path("groups");
    String watched = Files.readString(Path.of("README.md"));
    List<String> alerts = new ArrayList<>();
    for (JsonNode group : groups) {
      assertThat(group.path("name").asString()).isNotBlank();
      for (JsonNode rule : group.path("rules")) {
        String alert = rule.path("alert").asString();
        alerts.add(alert);
        assertThat(alert).startsWith("Mailroom");
        assertThat(rule.path("labels").path("severity").asString()).as(alert).isNotBlank();
        assertThat(rule.path("annotations").path("summary").asString()).as(alert).isNotBlank();
        Matcher metrics = METRIC.matcher(rule.path("expr").asString());
        assertThat(metrics.find()).as(alert + " reads a Mailroom metric").isTrue();
        do {
          assertThat(watched).as(alert + " reads an exported metric").contains(metrics.group());
        } while (metrics.find());
      }
    }
    assertThat(alerts)
        .doesNotHaveDuplicates()
        .contains("MailroomRecordsDeadLettered", "MailroomDeadLettersWaiting");
  }
}
