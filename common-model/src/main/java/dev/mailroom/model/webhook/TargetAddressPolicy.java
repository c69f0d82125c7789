package dev.mailroom.model.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which addresses a webhook may be delivered to. The check runs on the resolved addresses, at
 * connect time, so a name that resolves (or re-resolves: DNS rebinding) to an internal address is
 * refused. Refused unless allow-listed: loopback, unspecified, private, link-local (cloud metadata
 * lives there), CGNAT, multicast, broadcast and reserved ranges, IPv6 unique-local, and any IPv4
 * address carried inside IPv6 (mapped, compatible, NAT64). Hosts written as integers or in octal or
 * hexadecimal parts are refused outright: resolvers disagree on what they mean.
 */
public final class TargetAddressPolicy {
  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern NUMERIC_LOOKING =
      Pattern.compile("(0x[0-9a-f]+|\\d+)(\\.(0x[0-9a-f]+|\\d+)){0,3}");

  private final List<String> allowedHosts;

  /**
   * @param allowedHosts host names or literal addresses allowed even if internal (development)
   */
  public TargetAddressPolicy(List<String> allowedHosts) {
    this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * What can be decided before any DNS lookup, when a subscription is created or changed: an
   * absolute https URL (http only for an allow-listed host) without user info, whose host is not a
   * refused literal address. The resolved addresses are checked again at every connect.
   */
  public void checkUrl(URI url) throws RefusedTargetException {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost();
    if (host == null || host.isBlank() || !url.isAbsolute()) {
      throw new RefusedTargetException("must be an absolute URL with a host");
    }
    if (url.getRawUserInfo() != null) {
      throw new RefusedTargetException("must not carry user info");
    }
    String bare = bare(host);
    boolean allowed = allowedHosts.contains(bare);
    if (!scheme.equals("https") && !(scheme.equals("http") && allowed)) {
      throw new RefusedTargetException("must use https (http only for an allow-listed host)");
    }
    if (allowed) {
      return;
    }
    if (ambiguousNumeric(bare)) {
      throw new RefusedTargetException(host + " is a numeric host in a non-standard form");
    }
    if (DOTTED_QUAD.matcher(bare).matches() || bare.contains(":")) {
      String why;
      try {
        why = refusal(InetAddress.getByName(bare));
      } catch (UnknownHostException e) {
        throw new RefusedTargetException(host + " is not a valid address");
      }
      if (why != null) {
        throw new RefusedTargetException(host + " is " + why);
      }
    } else if (bare.equals("localhost") || bare.endsWith(".localhost")) {
      throw new RefusedTargetException(host + " is loopback");
    }
  }

  /** Integer, octal or hexadecimal forms, which resolvers read differently; not a dotted quad. */
  private static boolean ambiguousNumeric(String bare) {
    return NUMERIC_LOOKING.matcher(bare).matches() && !DOTTED_QUAD.matcher(bare).matches();
  }

  private static String bare(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.startsWith("[") && lower.endsWith("]")
        ? lower.substring(1, lower.length() - 1)
        : lower;
  }

  /** The addresses to connect to; throws if the host is ambiguous or any address is refused. */
  public List<InetAddress> resolve(String host)
      throws UnknownHostException, RefusedTargetException {
    String bare = bare(host);
    boolean allowed = allowedHosts.contains(bare);
    if (!allowed && ambiguousNumeric(bare)) {
      throw new RefusedTargetException(host + " is a numeric host in a non-standard form");
    }
    List<InetAddress> addresses = new ArrayList<>(List.of(InetAddress.getAllByName(bare)));
    if (!allowed) {
      for (InetAddress address : addresses) {
        if (allowedHosts.contains(address.getHostAddress().toLowerCase(Locale.ROOT))) {
          continue;
        }
        String why = refusal(address);
        if (why != null) {
          throw new RefusedTargetException(
              host + " resolves to " + address.getHostAddress() + " (" + why + ")");
        }
      }
    }
    return addresses;
  }

  /** Null when the address is a public unicast address, else why it is refused. */
  public static String refusal(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      InetAddress embedded = embeddedIpv4(b);
      if (embedded != null) {
        String inner = refusal(embedded);
        return inner == null ? "IPv4 inside IPv6" : inner + " inside IPv6";
      }
      if (v6.isLoopbackAddress()) {
        return "loopback";
      }
      if (v6.isAnyLocalAddress()) {
        return "unspecified";
      }
      if (v6.isLinkLocalAddress()) {
        return "link-local";
      }
      if (v6.isSiteLocalAddress()) {
        return "site-local";
      }
      if (v6.isMulticastAddress()) {
        return "multicast";
      }
      if ((b[0] & 0xfe) == 0xfc) {
        return "unique local";
      }
      if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
        return "documentation";
      }
      return null;
    }
    byte[] b = address.getAddress();
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (first == 127) {
      return "loopback";
    }
    if (first == 0) {
      return "unspecified";
    }
    if (first == 10
        || (first == 172 && second >= 16 && second <= 31)
        || (first == 192 && second == 168)) {
      return "private";
    }
    if (first == 169 && second == 254) {
      return "link-local (cloud metadata)";
    }
    if (first == 100 && second >= 64 && second <= 127) {
      return "CGNAT";
    }
    if (first >= 224 && first <= 239) {
      return "multicast";
    }
    if (first >= 240) {
      return "reserved or broadcast";
    }
    if ((first == 192 && second == 0 && (b[2] & 0xff) == 0)
        || (first == 198 && (second == 18 || second == 19))) {
      return "reserved";
    }
    return null;
  }

  private static InetAddress embeddedIpv4(byte[] b) {
    boolean zeroPrefix = true;
    for (int i = 0; i < 10; i++) {
      zeroPrefix &= b[i] == 0;
    }
    boolean mapped = zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean compatible =
        zeroPrefix
            && b[10] == 0
            && b[11] == 0
            && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1));
    boolean nat64 = b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
    if (!mapped && !compatible && !nat64) {
      return null;
    }
    try {
      return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
