package dev.mailroom.store.hosted;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The return path (SMTP {@code MAIL FROM}) of each message a hosted mailbox sends through a relay:
 * {@code bounces+<message id>.<mac>@<the mailbox's domain>}, so a delivery status notification
 * names the message it is about by where it is sent, whatever it quotes of the original (VERP). The
 * MAC keeps anyone else from making such addresses: without it, a forged report could mark any
 * message bounced and put its recipients on the suppression list.
 */
public final class ReturnPaths {
  static final String PREFIX = "bounces+";
  private static final Pattern ADDRESS =
      Pattern.compile(
          "^" + Pattern.quote(PREFIX) + "([a-z]+_[0-9a-f]{32})\\.([0-9a-f]{16})@([^@\\s]+)$");
  private static final Pattern MESSAGE_ID = Pattern.compile("^[a-z]+_[0-9a-f]{32}$");

  private final byte[] key;

  /**
   * @param key a secret every worker shares (the credential key's derivative for this purpose)
   */
  public ReturnPaths(byte[] key) {
    this.key = key.clone();
  }

  /**
   * The return path of message {@code messageId} sent from {@code mailboxAddress}; empty for an id
   * not of Mailroom's form, which then keeps the mailbox's own address.
   */
  public Optional<String> of(String mailboxAddress, String messageId) {
    int at = mailboxAddress.lastIndexOf('@');
    if (at < 0 || !MESSAGE_ID.matcher(messageId).matches()) {
      return Optional.empty();
    }
    String domain = mailboxAddress.substring(at + 1).toLowerCase(Locale.ROOT);
    return Optional.of(PREFIX + messageId + "." + mac(messageId, domain) + "@" + domain);
  }

  /** The message a return path names, if {@code address} is one this deployment made. */
  public Optional<String> messageId(String address) {
    Matcher matcher = ADDRESS.matcher(address.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      return Optional.empty();
    }
    String messageId = matcher.group(1);
    byte[] expected = mac(messageId, matcher.group(3)).getBytes(StandardCharsets.US_ASCII);
    byte[] given = matcher.group(2).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given) ? Optional.of(messageId) : Optional.empty();
  }

  /** Whether {@code address} has a return path's form, made here or not. */
  public static boolean looksLikeOne(String address) {
    return address.trim().toLowerCase(Locale.ROOT).startsWith(PREFIX);
  }

  private String mac(String messageId, String domain) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal((messageId + "@" + domain).getBytes(StandardCharsets.UTF_8));
      // 64 bits: a forger has one guess per RCPT, each answered 550.
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
