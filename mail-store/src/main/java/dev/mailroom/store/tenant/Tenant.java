package dev.mailroom.store.tenant;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

@Document("tenants")
public record Tenant(@Id String id, String name, Instant createdAt) {}
