package dev.mailroom.store.hosted;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A mail domain one tenant receives mail for through Mailroom. A domain belongs to one tenant at
 * most (its name is the id), so the SMTP receiver finds the tenant of any recipient by its domain.
 *
 * @param domain the domain name in lower case, without a trailing dot
 */
@Document("hosted_domains")
public record HostedDomain(@Id String domain, String tenantId, Instant createdAt) {}
