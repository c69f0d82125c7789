package dev.mailroom.runtime.kafka;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Topic layout, how long infrastructure outages are waited out, and the replica's name. The retries
 * of a consumer binding are its own ({@code spring.cloud.stream.default.consumer.max-attempts} and
 * {@code back-off-*}, ADR 23).
 *
 * @param partitions partitions of each topic; the upper bound on useful worker replicas
 * @param replicationFactor 3 on a production cluster, 1 on a single local broker
 * @param outageRetryWindow how long a record that failed because MongoDB, S3 or Kafka was away is
 *     retried (with the same back-off, holding its partition) before it is dead-lettered: long
 *     enough to ride out a server's restart, where a record's own fault is given up on sooner
 * @param instanceId this replica's name, stable across its restarts and unique among the replicas
 *     running at the same time (a Kubernetes pod's name, which survives the kubelet restarting its
 *     container): its consumers join their groups as static members, so a replica that crashed and
 *     came back takes its partitions back at once instead of waiting for the group to give up on
 *     its old consumers. Unset, consumers are dynamic members (see {@link StaticMembership}).
 */
@Validated
@ConfigurationProperties("mailroom.kafka")
public record MailroomKafkaProperties(
    @DefaultValue("6") @Min(1) int partitions,
    @DefaultValue("1") @Min(1) short replicationFactor,
    @DefaultValue("5m") Duration outageRetryWindow,
    String instanceId) {}
