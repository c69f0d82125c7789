package dev.mailroom.gateway.mail;

import dev.mailroom.store.ratelimit.RateLimitDecision;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Why the mail core refused or could not do something, in domain terms. Each route family's error
 * translator turns these into its own error body and status; the core knows neither.
 */
public abstract sealed class MailException extends RuntimeException {
  private MailException(String message) {
    super(message);
  }

  /** A message, thread, attachment or other resource that does not exist within the scope. */
  public static final class NotFound extends MailException {
    public NotFound(String what) {
      super(what + " not found");
    }
  }

  /** The scope holds no mailbox usable for the operation. */
  public static final class NoUsableMailbox extends MailException {
    public NoUsableMailbox(String message) {
      super(message);
    }
  }

  /** Email access is off for the caller altogether. */
  public static final class NotEnabled extends MailException {
    public NotEnabled(String message) {
      super(message);
    }
  }

  /** The caller may use mail, but not for this operation or these fields. */
  public static final class NotPermitted extends MailException {
    public NotPermitted(String message) {
      super(message);
    }
  }

  /** A limit was hit; {@code decision} says which window and when it frees up. */
  public static final class RateLimited extends MailException {
    private final RateLimitDecision decision;

    public RateLimited(String message, RateLimitDecision decision) {
      super(message);
      this.decision = decision;
    }

    public RateLimitDecision decision() {
      return decision;
    }
  }

  /**
   * Input the caller can correct, every problem at once. {@code fromOriginal} marks values taken
   * from a stored message (a reply's subject, say), which the caller cannot correct.
   */
  public static final class InvalidInput extends MailException {
    private final List<FieldProblem> problems;
    private final boolean fromOriginal;

    public InvalidInput(String message, List<FieldProblem> problems, boolean fromOriginal) {
      super(message);
      this.problems = List.copyOf(problems);
      this.fromOriginal = fromOriginal;
    }

    public static InvalidInput of(String field, String message) {
      return new InvalidInput("Invalid request", List.of(new FieldProblem(field, message)), false);
    }

    public List<FieldProblem> problems() {
      return problems;
    }

    /** The same problems under a route family's own field names ({@link FieldProblem}). */
    public InvalidInput renamed(UnaryOperator<String> fieldName) {
      InvalidInput renamed =
          new InvalidInput(
              getMessage(),
              problems.stream()
                  .map(p -> new FieldProblem(fieldName.apply(p.field()), p.message()))
                  .toList(),
              fromOriginal);
      renamed.setStackTrace(getStackTrace());
      return renamed;
    }

    public boolean fromOriginal() {
      return fromOriginal;
    }
  }

  /** The resource is in a state that does not allow the change (disabled, changed meanwhile). */
  public static final class Conflict extends MailException {
    private final String reason;

    public Conflict(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** A stable upper-case reason such as {@code CONCURRENT_CHANGE}. */
    public String reason() {
      return reason;
    }
  }
}
