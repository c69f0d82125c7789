package dev.mailroom.store.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param exactMatchIndexes also create unique indexes shaped exactly like the hot lookups (tenant +
 *     id, visible message by id, status compare-and-set, delivery id + lease). Only for the
 *     embedded MongoDB server, which uses an index only when a query's keys equal the index's keys,
 *     so {@code {tenantId, _id}} would otherwise scan its collection. Real MongoDB needs none of
 *     them; the embedded set-ups turn this on.
 */
@ConfigurationProperties("mailroom.store")
public record StoreProperties(boolean exactMatchIndexes) {}
