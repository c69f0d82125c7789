package dev.mailroom.gateway.admin;

import dev.mailroom.gateway.admin.AdminRequests.CreateDomain;
import dev.mailroom.gateway.admin.AdminViews.DomainView;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.gateway.error.DocumentedErrors;
import dev.mailroom.gateway.error.ErrorCode;
import dev.mailroom.store.hosted.HostedDomain;
import dev.mailroom.store.hosted.HostedDomainRepository;
import dev.mailroom.store.tenant.TenantRepository;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The domains a tenant's hosted mailboxes live on (ADR 27): Mailroom's SMTP receiver takes mail for
 * their addresses, and a hosted mailbox can only be made on one of them.
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/domains")
@Tag(name = "Admin: tenants")
@SecurityRequirement(name = "adminKey")
@DocumentedErrors.Unauthorized
public class HostedDomainsController {
  private final TenantRepository tenants;
  private final HostedDomainRepository domains;
  private final Clock clock;

  public HostedDomainsController(
      TenantRepository tenants, HostedDomainRepository domains, Clock clock) {
    this.tenants = tenants;
    this.domains = domains;
    this.clock = clock;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      operationId = "createTenantDomain",
      summary = "Host a domain's mail for a tenant",
      description =
          "From now on the SMTP receiver takes mail for the tenant's hosted mailboxes on this"
              + " domain (point its MX record at the receiver). A domain another tenant holds is a"
              + " 409.")
  @ApiResponse(responseCode = "201", description = "The domain, hosted for the tenant")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  Mono<DomainView> createDomain(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Valid @RequestBody CreateDomain request) {
    String name = request.domain().toLowerCase(Locale.ROOT);
    return tenants
        .findById(tenantId)
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("Tenant " + tenantId)))
        .flatMap(
            tenant ->
                domains.insert(
                    new HostedDomain(
                        name, tenantId, clock.instant().truncatedTo(ChronoUnit.MILLIS))))
        .onErrorMap(
            DuplicateKeyException.class,
            e ->
                new ApiException(
                    ErrorCode.CONFLICT, "Domain " + name + " is already hosted for a tenant"))
        .map(DomainView::of);
  }

  @GetMapping
  @Operation(operationId = "listTenantDomains", summary = "List a tenant's hosted domains")
  @ApiResponse(responseCode = "200", description = "Its domains, oldest first")
  @DocumentedErrors.NotFound
  Mono<List<DomainView>> listDomains(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId) {
    return tenants
        .findById(tenantId)
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("Tenant " + tenantId)))
        .flatMap(tenant -> domains.findByTenant(tenantId).map(DomainView::of).collectList());
  }
}
