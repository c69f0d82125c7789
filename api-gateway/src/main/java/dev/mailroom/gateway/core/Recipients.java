package dev.mailroom.gateway.core;

import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.model.message.Participant;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/**
 * Validation every route family applies before anything is queued: addresses must parse as one RFC
 * 5322 mailbox each, and no value that ends up in a header may carry CR, LF or other control
 * characters (header injection).
 */
public final class Recipients {
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]");
  public static final int MAX_SUBJECT = 998;
  public static final int MAX_LABEL = 255;

  /** ATOM-CHAR of RFC 3501: any CHAR except atom-specials ( ) { SP CTL % * " \ ]. */
  private static final Pattern IMAP_ATOM = Pattern.compile("[\\x21-\\x7E&&[^(){%*\"\\\\\\]]]+");

  private Recipients() {}

  /** Collects field errors; throws one 400 listing all of them. */
  public static final class Check {
    private final List<ApiError.FieldError> errors = new ArrayList<>();

    public Check participants(String field, List<Participant> participants, boolean required) {
      if (participants == null || participants.isEmpty()) {
        if (required) {
          errors.add(new ApiError.FieldError(field, "at least one recipient is required"));
        }
        return this;
      }
      for (int i = 0; i < participants.size(); i++) {
        Participant p = participants.get(i);
        String at = field + "[" + i + "]";
        if (p == null || p.email() == null || !validAddress(p.email())) {
          errors.add(new ApiError.FieldError(at + ".email", "not a valid email address"));
        } else if (p.name() != null && CONTROL.matcher(p.name()).find()) {
          errors.add(new ApiError.FieldError(at + ".name", "must not contain control characters"));
        }
      }
      return this;
    }

    public Check headerText(String field, String value, boolean required, int max) {
      if (value == null) {
        if (required) {
          errors.add(new ApiError.FieldError(field, "is required"));
        }
      } else if (CONTROL.matcher(value).find()) {
        errors.add(new ApiError.FieldError(field, "must not contain control characters"));
      } else if (value.length() > max) {
        errors.add(new ApiError.FieldError(field, "must be at most " + max + " characters"));
      }
      return this;
    }

    /**
     * A label becomes an IMAP keyword at the provider, so it must be an IMAP atom (RFC 3501):
     * printable ASCII without atom-specials. That also keeps out system flags such as {@code
     * \Deleted} or {@code \Seen}, which would otherwise bypass delete_email and mark_as_read.
     */
    public Check label(String field, String value) {
      if (value == null || value.isEmpty()) {
        errors.add(new ApiError.FieldError(field, "must not be empty"));
      } else if (!IMAP_ATOM.matcher(value).matches()) {
        errors.add(
            new ApiError.FieldError(
                field,
                "must be printable ASCII without spaces or any of ( ) { % * \" \\ ]"
                    + " (labels are IMAP keywords; system flags cannot be set as labels)"));
      } else if (value.length() > MAX_LABEL) {
        errors.add(new ApiError.FieldError(field, "must be at most " + MAX_LABEL + " characters"));
      }
      return this;
    }

    public Check reject(String field, String message) {
      errors.add(new ApiError.FieldError(field, message));
      return this;
    }

    public Check require(String field, Object value) {
      if (value == null) {
        errors.add(new ApiError.FieldError(field, "is required"));
      }
      return this;
    }

    public Check oneOf(String field, String value, List<String> allowed) {
      if (value != null && !allowed.contains(value)) {
        errors.add(new ApiError.FieldError(field, "must be one of " + allowed));
      }
      return this;
    }

    public void orThrow() {
      orThrow(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", "Invalid request");
    }

    /** For values that did not come from the request, which the client cannot correct. */
    public void orThrow(HttpStatus status, String code, String message) {
      if (!errors.isEmpty()) {
        throw new ApiException(status, code, message, errors);
      }
    }
  }

  public static Check check() {
    return new Check();
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
