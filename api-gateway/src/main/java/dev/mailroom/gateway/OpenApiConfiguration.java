package dev.mailroom.gateway;

import dev.mailroom.gateway.core.IdempotentWrites;
import dev.mailroom.model.webhook.WebhookEventType;
import dev.mailroom.store.token.TokenPermissions;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document at {@code /v3/api-docs}, shown by Swagger UI at {@code /swagger-ui.html}.
 * Controllers document their own operations; this adds what no one controller owns: the two
 * security schemes, the enums built from the code's own lists (event types, permissions), the
 * {@code Idempotency-Key} header, and the descriptions of shapes that live in other modules.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {
  static final String ADMIN_KEY = "adminKey";
  static final String API_TOKEN = "apiToken";

  /** Permission names in the order they are explained (read, then write). */
  static List<String> permissions() {
    return TokenPermissions.EMAIL_OPERATIONS.stream().sorted().toList();
  }

  @Bean
  OpenAPI mailroomOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Mailroom")
                .version("v1")
                .license(new License().name("Apache-2.0").identifier("Apache-2.0"))
                .description(
                    """
                    One API over a tenant's connected mailboxes.

                    Three route families, each with its own credential:

                    - `/api/access/email/...`: the Email Access API (search, read, send, reply, \
                    forward, delete, label), with an API token (`apiToken`).
                    - `/v1/mailboxes` and `/v1/webhooks`: mailboxes and their sync, webhook \
                    subscriptions and their delivery log, with an API token (`apiToken`).
                    - `/admin/...`: the operator's API (tenants, mailboxes, tokens, dead \
                    letters), with the admin key (`adminKey`).

                    Errors are JSON objects with a stable `code`, a `message`, the HTTP \
                    `status` and, for invalid input, `fieldErrors`. Writes accept an \
                    `Idempotency-Key` header: a retry with the same key and body answers what \
                    the first request answered.
                    """))
        .components(
            new Components()
                .addSecuritySchemes(
                    ADMIN_KEY,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description(
                            "The operator's admin key (`mailroom.gateway.admin-key`) as"
                                + " `Authorization: Bearer <admin key>`. Only `/admin/...`"
                                + " takes it."))
                .addSecuritySchemes(
                    API_TOKEN,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("mr_...")
                        .description(
                            "A tenant's API token (`mr_...`, created with createToken) as"
                                + " `Authorization: Bearer mr_...`. Email access is off unless"
                                + " the token's `emailAccessEnabled` is true; each Email Access"
                                + " operation then needs its permission in"
                                + " `allowedEmailOperations`: "
                                + permissions().stream()
                                    .map(p -> "`" + p + "`")
                                    .collect(Collectors.joining(", "))
                                + ". Every token may use `/v1/mailboxes` and `/v1/webhooks`"
                                + " of its tenant."))
                .addSchemas(
                    "Permission",
                    new StringSchema()
                        ._enum(permissions())
                        .description(
                            "An Email Access API operation a token may perform (an entry of"
                                + " allowedEmailOperations)")
                        .example("search_emails"))
                .addSchemas(
                    "WebhookEventType",
                    new StringSchema()
                        ._enum(
                            Arrays.stream(WebhookEventType.values())
                                .map(WebhookEventType::wireName)
                                .toList())
                        .description("The type of a webhook event")
                        .example(WebhookEventType.MESSAGE_RECEIVED.wireName())));
  }

  /**
   * Every {@code Idempotency-Key} header a route declares, typed and explained in one place
   * (springdoc leaves a header declared by name only untyped), and no body on a 204.
   */
  @Bean
  OperationCustomizer operationConventions() {
    return (operation, handler) -> {
      // A 204 has no body, whatever type the handler method declares.
      if (operation.getResponses() != null && operation.getResponses().get("204") != null) {
        operation.getResponses().get("204").setContent(null);
      }
      if (operation.getParameters() != null) {
        for (Parameter parameter : operation.getParameters()) {
          if (IdempotentWrites.HEADER.equals(parameter.getName())
              && "header".equals(parameter.getIn())) {
            parameter
                .required(false)
                .description(
                    "Makes a retry safe: a second request with the same key and body (within 24"
                        + " hours) answers what the first answered, without doing it again; the"
                        + " same key with another body answers 409. 1 to 255 characters.")
                .schema(new StringSchema().minLength(1).maxLength(255))
                .example("7c0e4b52-1f9a-4d8e-9b3a-5e2f6d1c8a90");
          }
        }
      }
      return operation;
    };
  }

  /**
   * The members of a request body that is one of several shapes (a {@code oneOf} with a
   * discriminator, such as a mailbox to connect) stand alone. The Java records implement the sealed
   * interface, so each member is documented as {@code allOf} the union plus its own fields; that
   * cycle leads client generators to make every member extend the union and inherit each other's
   * fields. Flattened, each member is the plain object the discriminator names.
   */
  @Bean
  OpenApiCustomizer standAloneUnionMembers() {
    return openApi -> {
      Map<String, Schema> schemas =
          openApi.getComponents() == null ? null : openApi.getComponents().getSchemas();
      if (schemas == null) {
        return;
      }
      schemas.forEach(
          (unionName, union) -> {
            if (union.getOneOf() == null || union.getDiscriminator() == null) {
              return;
            }
            String unionRef = "#/components/schemas/" + unionName;
            for (Object member : union.getOneOf()) {
              String ref = ((Schema<?>) member).get$ref();
              Schema<?> schema =
                  ref == null ? null : schemas.get(ref.substring(ref.lastIndexOf('/') + 1));
              if (schema == null || schema.getAllOf() == null) {
                continue;
              }
              List<Schema> own =
                  schema.getAllOf().stream()
                      .filter(part -> !unionRef.equals(part.get$ref()))
                      .toList();
              if (own.size() == 1 && own.get(0).get$ref() == null) {
                Schema<?> fields = own.get(0);
                schema.setAllOf(null);
                schema.setType(fields.getType());
                schema.setTypes(fields.getTypes());
                schema.setProperties(fields.getProperties());
                schema.setRequired(fields.getRequired());
              }
            }
          });
    };
  }

  /**
   * Descriptions and examples of the shapes the gateway shows but other modules own (the store's
   * records, the error body), which carry no OpenAPI annotations of their own. Only what is missing
   * is filled in, so an annotation on the type itself wins.
   */
  @Bean
  OpenApiCustomizer foreignSchemaDocs() {
    return openApi -> {
      Map<String, Schema> schemas =
          openApi.getComponents() == null ? null : openApi.getComponents().getSchemas();
      if (schemas == null) {
        return;
      }
      ForeignSchemas.DOCS.forEach(
          (schemaName, doc) -> {
            Schema<?> schema = schemas.get(schemaName);
            if (schema == null) {
              return;
            }
            if (schema.getDescription() == null) {
              schema.setDescription(doc.description());
            }
            doc.properties()
                .forEach(
                    (property, field) -> {
                      Schema<?> target =
                          schema.getProperties() == null
                              ? null
                              : (Schema<?>) schema.getProperties().get(property);
                      if (target != null) {
                        field.applyTo(target);
                      }
                    });
          });
    };
  }
}
