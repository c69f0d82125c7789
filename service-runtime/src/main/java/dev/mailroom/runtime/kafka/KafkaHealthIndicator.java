package dev.mailroom.runtime.kafka;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.core.KafkaAdmin;

/** UP when the cluster answers a metadata request within a few seconds. */
public class KafkaHealthIndicator extends AbstractHealthIndicator implements AutoCloseable {
  private final Admin admin;

  public KafkaHealthIndicator(KafkaAdmin kafkaAdmin) {
    super("Kafka health check failed");
    this.admin = Admin.create(kafkaAdmin.getConfigurationProperties());
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000));
    int nodes = cluster.nodes().get(4, TimeUnit.SECONDS).size();
    builder
        .up()
        .withDetail("clusterId", cluster.clusterId().get(1, TimeUnit.SECONDS))
        .withDetail("nodes", nodes);
  }

  @Override
  public void close() {
    admin.close();
  }
}
