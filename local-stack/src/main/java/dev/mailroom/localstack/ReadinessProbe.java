package dev.mailroom.localstack;

import dev.mailroom.localstack.LocalStack.Service;
import java.time.Duration;

/** Waits until every service's readiness group (Kafka, MongoDB, S3 included) reports UP. */
public final class ReadinessProbe {
  private ReadinessProbe() {}

  public static void awaitReady(LocalStack stack, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Service service : Service.values()) {
      AdminClient client = new AdminClient(stack.url(service));
      AdminClient.Response last = null;
      while (System.nanoTime() < deadline) {
        last = client.call("GET", "/actuator/health/readiness", null, null);
        if (last.status() == 200) {
          break;
        }
        sleep();
      }
      if (last == null || last.status() != 200) {
        throw new IllegalStateException(
            service + " not ready within " + timeout + ": " + (last == null ? "" : last.body()));
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
