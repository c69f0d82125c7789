package dev.mailroom.provider.imap;

import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import jakarta.mail.MessagingException;
import jakarta.mail.Service;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logged-in SMTP and IMAP connections kept between operations on the same mailbox: a burst of sends
 * then costs one login, not one per message. One connection per mailbox and protocol is parked at a
 * time; a connection is handed out to one caller only, checked alive (a NOOP) first, and closed
 * once it has been idle for {@code maxIdle} or when more than {@code maxParked} are parked.
 */
final class IdleConnections implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdleConnections.class);

  private record Parked(Service connection, Instant since) {}

  private final Map<String, Parked> parked = new ConcurrentHashMap<>();
  private final Duration maxIdle;
  private final int maxParked;
  private final Clock clock;

  IdleConnections(Duration maxIdle, int maxParked, Clock clock) {
    this.maxIdle = maxIdle;
    this.maxParked = maxParked;
    this.clock = clock;
  }

  /**
   * The key of one mailbox's connections of one kind. The secret is part of it (hashed) so that
   * changed credentials never reuse a connection made with the old ones.
   */
  static String key(String kind, MailboxAccess.Endpoint endpoint, PasswordAccess access) {
    try {
      byte[] secret =
          MessageDigest.getInstance("SHA-256")
              .digest(String.valueOf(access.secret()).getBytes(StandardCharsets.UTF_8));
      return String.join(
          "|",
          kind,
          endpoint.host(),
          Integer.toString(endpoint.port()),
          String.valueOf(endpoint.security()),
          String.valueOf(access.username()),
          HexFormat.of().formatHex(secret));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A parked connection that still answers, or null. */
  <S extends Service> S take(String key, Class<S> type) {
    Parked entry = parked.remove(key);
    if (entry == null) {
      return null;
    }
    if (expired(entry, clock.instant()) || !entry.connection().isConnected()) {
      close(entry.connection());
      return null;
    }
    return type.cast(entry.connection());
  }

  /** Keeps a connection that just finished an operation successfully. */
  void park(String key, Service connection) {
    Instant now = clock.instant();
    parked.entrySet().removeIf(e -> expired(e.getValue(), now) && closed(e.getValue()));
    if (parked.size() >= maxParked) {
      close(connection);
      return;
    }
    Parked previous = parked.put(key, new Parked(connection, now));
    if (previous != null) {
      close(previous.connection());
    }
  }

  int size() {
    return parked.size();
  }

  private boolean expired(Parked entry, Instant now) {
    return entry.since().plus(maxIdle).isBefore(now);
  }

  private static boolean closed(Parked entry) {
    close(entry.connection());
    return true;
  }

  static void close(Service connection) {
    try {
      connection.close();
    } catch (MessagingException e) {
      log.debug("Closing a mail connection", e);
    }
  }

  @Override
  public void close() {
    parked.values().forEach(entry -> close(entry.connection()));
    parked.clear();
  }
}
