package dev.mailroom.runtime.kafka;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Spring creates topics once, at start-up, and gives up quietly if Kafka is down then. Brokers run
 * with topic auto-creation off, so a service that started first would never be able to publish:
 * keep trying in the background until the topics exist.
 */
public class TopicProvisioner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  private final KafkaAdmin admin;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "mailroom-topic-provisioner");
            thread.setDaemon(true);
            return thread;
          });
  private volatile boolean provisioned;

  public TopicProvisioner(KafkaAdmin admin) {
    this.admin = admin;
  }

  @EventListener(ApplicationReadyEvent.class)
  void provision() {
    executor.execute(this::attempt);
  }

  private void attempt() {
    boolean done;
    try {
      done = admin.initialize();
    } catch (RuntimeException e) {
      done = false;
    }
    if (done) {
      provisioned = true;
      return;
    }
    log.warn("Kafka topics not verified yet (broker unreachable?); retrying in 5 s");
    executor.schedule(this::attempt, 5, TimeUnit.SECONDS);
  }

  public boolean provisioned() {
    return provisioned;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
