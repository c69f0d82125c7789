package dev.mailroom.store;

import java.util.Objects;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * The one way repositories build queries over tenant data: every criteria starts with the tenant,
 * so no caller can forget it.
 */
public final class TenantScope {
  public static final String TENANT_FIELD = "tenantId";

  private TenantScope() {}

  public static Criteria of(String tenantId) {
    return Criteria.where(TENANT_FIELD).is(Objects.requireNonNull(tenantId, "tenantId"));
  }

  /** One mailbox of the tenant. */
  public static Criteria mailbox(String tenantId, String mailboxId) {
    return of(tenantId).and("mailboxId").is(Objects.requireNonNull(mailboxId, "mailboxId"));
  }

  public static Query byId(String tenantId, String id) {
    return Query.query(of(tenantId).and("_id").is(Objects.requireNonNull(id, "id")));
  }
}
