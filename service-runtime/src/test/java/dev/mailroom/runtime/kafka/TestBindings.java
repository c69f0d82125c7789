package dev.mailroom.runtime.kafka;

import dev.mailroom.model.envelope.Topics;
import java.util.List;

/** Properties that bind a test service's function as the workers' yaml binds theirs. */
final class TestBindings {
  private TestBindings() {}

  /** Binds the function to the topic for the group, with the dead-letter topic of DESIGN.md. */
  static List<String> binding(String function, String topic, String group) {
    String in = function + "-in-0";
    return List.of(
        "spring.cloud.function.definition=" + function,
        "spring.cloud.stream.bindings." + in + ".destination=" + topic,
        "spring.cloud.stream.bindings." + in + ".group=" + group,
        "spring.cloud.stream.kafka.bindings."
            + in
            + ".consumer.dlq-name="
            + Topics.deadLetterTopic(topic, group));
  }
}
