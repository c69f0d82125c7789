package dev.mailroom.gateway.admin;

import dev.mailroom.gateway.admin.AdminViews.SuppressionView;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.gateway.error.DocumentedErrors;
import dev.mailroom.store.suppression.SuppressionRepository;
import dev.mailroom.store.tenant.TenantRepository;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A tenant's suppression list: addresses whose mail bounced for good, which every send of the
 * tenant refuses until an operator lifts them (after the address was fixed, say).
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/suppressions")
@Tag(name = "Admin: tenants")
@SecurityRequirement(name = "adminKey")
@DocumentedErrors.Unauthorized
public class SuppressionsController {
  private final TenantRepository tenants;
  private final SuppressionRepository suppressions;

  public SuppressionsController(TenantRepository tenants, SuppressionRepository suppressions) {
    this.tenants = tenants;
    this.suppressions = suppressions;
  }

  @GetMapping
  @Operation(
      operationId = "listTenantSuppressions",
      summary = "List the addresses a tenant no longer sends to",
      description = "Put there by hard bounces; a send to any of them is refused with a 400.")
  @ApiResponse(responseCode = "200", description = "The suppressed addresses, oldest first")
  @DocumentedErrors.NotFound
  Mono<List<SuppressionView>> listSuppressions(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId) {
    return tenants
        .findById(tenantId)
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("Tenant " + tenantId)))
        .flatMap(
            tenant -> suppressions.findByTenant(tenantId).map(SuppressionView::of).collectList());
  }

  @DeleteMapping("/{address}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(
      operationId = "deleteTenantSuppression",
      summary = "Let the tenant send to an address again")
  @ApiResponse(responseCode = "204", description = "Lifted")
  @DocumentedErrors.NotFound
  Mono<Void> deleteSuppression(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Parameter(description = "The suppressed address", example = "nobody@customer.example")
          @PathVariable
          String address) {
    return suppressions
        .remove(tenantId, address)
        .flatMap(
            removed ->
                removed
                    ? Mono.<Void>empty()
                    : Mono.error(
                        ApiException.notFound(
                            "Suppression of " + address + " in tenant " + tenantId)));
  }
}
