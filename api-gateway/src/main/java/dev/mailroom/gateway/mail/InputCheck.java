package dev.mailroom.gateway.mail;

import dev.mailroom.model.message.Participant;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validation the core applies before anything is queued: addresses must parse as one RFC 5322
 * mailbox each, and no value that ends up in a header may carry CR, LF or other control characters
 * (header injection). Problems are collected and thrown together as one {@link
 * MailException.InvalidInput}.
 */
public final class InputCheck {
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]");
  public static final int MAX_SUBJECT = 998;
  public static final int MAX_LABEL = 255;

  /** ATOM-CHAR of RFC 3501: any CHAR except atom-specials ( ) { SP CTL % * " \ ]. */
  private static final Pattern IMAP_ATOM = Pattern.compile("[\\x21-\\x7E&&[^(){%*\"\\\\\\]]]+");

  private final List<FieldProblem> errors = new ArrayList<>();

  private InputCheck() {}

  public static InputCheck check() {
    return new InputCheck();
  }

  public InputCheck participants(String field, List<Participant> participants, boolean required) {
    if (participants == null || participants.isEmpty()) {
      if (required) {
        errors.add(new FieldProblem(field, "at least one recipient is required"));
      }
      return this;
    }
    for (int i = 0; i < participants.size(); i++) {
      Participant p = participants.get(i);
      String at = field + "[" + i + "]";
      if (p == null || p.email() == null || !validAddress(p.email())) {
        errors.add(new FieldProblem(at + ".email", "not a valid email address"));
      } else if (p.name() != null && CONTROL.matcher(p.name()).find()) {
        errors.add(new FieldProblem(at + ".name", "must not contain control characters"));
      }
    }
    return this;
  }

  public InputCheck headerText(String field, String value, boolean required, int max) {
    if (value == null) {
      if (required) {
        errors.add(new FieldProblem(field, "is required"));
      }
    } else if (CONTROL.matcher(value).find()) {
      errors.add(new FieldProblem(field, "must not contain control characters"));
    } else if (value.length() > max) {
      errors.add(new FieldProblem(field, "must be at most " + max + " characters"));
    }
    return this;
  }

  /**
   * A label becomes an IMAP keyword at the provider, so it must be an IMAP atom (RFC 3501):
   * printable ASCII without atom-specials. That also keeps out system flags such as {@code
   * \Deleted} or {@code \Seen}, which would otherwise bypass delete_email and mark_as_read.
   */
  public InputCheck label(String field, String value) {
    if (value == null || value.isEmpty()) {
      errors.add(new FieldProblem(field, "must not be empty"));
    } else if (!IMAP_ATOM.matcher(value).matches()) {
      errors.add(
          new FieldProblem(
              field,
              "must be printable ASCII without spaces or any of ( ) { % * \" \\ ]"
                  + " (labels are IMAP keywords; system flags cannot be set as labels)"));
    } else if (value.length() > MAX_LABEL) {
      errors.add(new FieldProblem(field, "must be at most " + MAX_LABEL + " characters"));
    }
    return this;
  }

  public InputCheck reject(String field, String message) {
    errors.add(new FieldProblem(field, message));
    return this;
  }

  public InputCheck require(String field, Object value) {
    if (value == null) {
      errors.add(new FieldProblem(field, "is required"));
    }
    return this;
  }

  public InputCheck oneOf(String field, String value, List<String> allowed) {
    if (value != null && !allowed.contains(value)) {
      errors.add(new FieldProblem(field, "must be one of " + allowed));
    }
    return this;
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  public void orThrow() {
    if (!errors.isEmpty()) {
      throw new MailException.InvalidInput("Invalid request", errors, false);
    }
  }

  /** For values that did not come from the request, which the client cannot correct. */
  public void orThrowAsOriginal(String message) {
    if (!errors.isEmpty()) {
      throw new MailException.InvalidInput(message, errors, true);
    }
  }

  static boolean validAddress(String email) {
    if (CONTROL.matcher(email).find()) {
      return false;
    }
    try {
      InternetAddress address = new InternetAddress(email, true);
      return address.getAddress().equals(email.strip()) && email.contains("@");
    } catch (AddressException e) {
      return false;
    }
  }
}
