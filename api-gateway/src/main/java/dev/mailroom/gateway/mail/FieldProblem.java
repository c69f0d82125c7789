package dev.mailroom.gateway.mail;

/**
 * One problem with one input field. Field names are the core's (camelCase, {@code to[0].email}); a
 * route family with other casing renames them in its error translator.
 */
public record FieldProblem(String field, String message) {}
