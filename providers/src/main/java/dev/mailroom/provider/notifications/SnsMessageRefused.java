package dev.mailroom.provider.notifications;

/**
 * An SNS message that must not be acted on. Its message says why in a few words and never repeats
 * more than a short, sanitised piece of what was received, so it can be logged and returned as is.
 *
 * <p>Most refusals are final: the same message will be refused again, so an HTTP endpoint answers
 * 4xx. {@link CertificateUnavailable} is the exception: the signing certificate could not be
 * fetched right now, so the endpoint should answer 5xx and let SNS deliver the message again.
 */
public sealed class SnsMessageRefused extends RuntimeException
    permits SnsMessageRefused.CertificateUnavailable {

  public SnsMessageRefused(String reason) {
    super(reason);
  }

  public SnsMessageRefused(String reason, Throwable cause) {
    super(reason, cause);
  }

  /** Whether retrying the same message later may succeed. */
  public boolean isTransient() {
    return false;
  }

  /** The signing certificate could not be fetched (network, timeout, 5xx); retrying may help. */
  public static final class CertificateUnavailable extends SnsMessageRefused {
    public CertificateUnavailable(String reason, Throwable cause) {
      super(reason, cause);
    }

    @Override
    public boolean isTransient() {
      return true;
    }
  }

  /** A piece of received text short and plain enough to put in a reason. */
  static String brief(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    int limit = Math.min(text.length(), 80);
    for (int i = 0; i < limit; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f || Character.isISOControl(c) ? '?' : c);
    }
    if (text.length() > limit) {
      out.append("...");
    }
    return "'" + out + "'";
  }
}
