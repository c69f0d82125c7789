package dev.mailroom.store.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param exactMatchIndexes also create unique indexes shaped exactly like the hot lookups (tenant +
 *     id, visible message by id, status compare-and-set, delivery id + lease). Only for the
 *     embedded MongoDB server, which uses an index only when a query's keys equal the index's keys,
 *     so {@code {tenantId, _id}} would otherwise scan its collection. Real MongoDB needs none of
 *     them; the embedded set-ups turn this on.
 */
@ConfigurationProperties("mailroom.store")
public record StoreProperties(boolean exactMatchIndexes, @DefaultValue Retention retention) {

  /**
   * How long records that are done stay before they are removed. MongoDB removes them by their TTL
   * index; {@code RetentionSweeper} removes them every {@code sweepInterval} too, for servers
   * without TTL (the embedded one) and to bound the TTL monitor's lag.
   *
   * @param publishedCommands a command's outbox record (with its body) after Kafka acknowledged it:
   *     kept for inspection, no longer needed by anything
   * @param finishedDeliveries a webhook delivery (with its payload and attempts) after it succeeded
   *     or ran out of retries: the delivery log and replays read it until then
   * @param sweepInterval how often expired records are removed; {@code 0s} leaves it to TTL
   */
  public record Retention(
      @DefaultValue("7d") Duration publishedCommands,
      @DefaultValue("30d") Duration finishedDeliveries,
      @DefaultValue("15m") Duration sweepInterval) {}
}
