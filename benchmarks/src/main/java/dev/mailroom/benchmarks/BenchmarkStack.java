package dev.mailroom.benchmarks;

import dev.mailroom.infra.LocalInfrastructure;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.localstack.AdminClient;
import dev.mailroom.localstack.DemoTenant;
import dev.mailroom.localstack.LocalStack;
import dev.mailroom.localstack.LocalStack.Service;
import java.nio.file.Path;
import java.util.Map;

/** The whole suite in this JVM on throwaway embedded infrastructure, as every benchmark runs it. */
final class BenchmarkStack {
  static final String ADMIN_KEY = "benchmark-admin-key-0123456789";

  private BenchmarkStack() {}

  /** Started and ready; {@code properties} tune the services for the run. */
  static LocalStack start(Map<String, String> properties) {
    return LocalStack.startReady(TestInfrastructure.ephemeralOptions(), ADMIN_KEY, properties);
  }

  /**
   * As the quick start runs: MongoDB, S3 and Kafka keep their data on disk under {@code dataDir}
   * (Kafka in a child process), on free ports.
   */
  static LocalStack startOnDisk(Path dataDir, Map<String, String> properties) {
    return LocalStack.startReady(
        LocalInfrastructure.Options.onDisk(dataDir), ADMIN_KEY, properties);
  }

  /** The demo tenant with Alice's and Bob's mailboxes on the embedded mail server. */
  static DemoTenant demo(LocalStack stack) {
    stack.mailServer().addUser(DemoTenant.ALICE, "pw");
    stack.mailServer().addUser(DemoTenant.BOB, "pw");
    return DemoTenant.create(
        new AdminClient(stack.url(Service.API_GATEWAY)),
        ADMIN_KEY,
        stack.endpoints().mail(),
        "pw",
        "pw");
  }
}
