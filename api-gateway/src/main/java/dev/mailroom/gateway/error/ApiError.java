package dev.mailroom.gateway.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The one JSON error shape of the gateway: a stable machine {@code code}, a human {@code message},
 * the HTTP {@code status}, and per-field problems for 400s.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiError(String code, String message, int status, List<FieldError> fieldErrors) {
  public record FieldError(String field, String message) {}
}
