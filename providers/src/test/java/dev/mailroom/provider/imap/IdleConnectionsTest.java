package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import jakarta.mail.Service;
import jakarta.mail.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class IdleConnectionsTest {
  private Instant now = Instant.parse("2026-11-22T10:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return now;
        }

        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }
      };

  /** Stands in for a logged-in SMTP or IMAP connection. */
  private static final class FakeConnection extends Service {
    boolean alive = true;
    boolean closed;

    FakeConnection() {
      super(Session.getInstance(new Properties()), null);
    }

    @Override
    public boolean isConnected() {
      return alive && !closed;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static PasswordAccess access(String secret) {
    MailboxAccess.Endpoint endpoint = new MailboxAccess.Endpoint("mail.example.com", 993, "tls");
    return new PasswordAccess("a@example.com", "a@example.com", secret, endpoint, endpoint);
  }

  @Test
  void aParkedConnectionIsHandedOutOnceThenNotAgain() {
    IdleConnections connections = new IdleConnections(Duration.ofSeconds(30), 10, clock);
    String key = IdleConnections.key("imap", access("pw").incoming(), access("pw"));
    FakeConnection connection = new FakeConnection();
    connections.park(key, connection);

    assertThat(connections.take(key, FakeConnection.class)).isSameAs(connection);
    assertThat(connections.take(key, FakeConnection.class)).isNull();
  }

  @Test
  void anExpiredOrDeadConnectionIsClosedNotHandedOut() {
    IdleConnections connections = new IdleConnections(Duration.ofSeconds(30), 10, clock);
    FakeConnection old = new FakeConnection();
    connections.park("old", old);
    now = now.plusSeconds(31);
    assertThat(connections.take("old", FakeConnection.class)).isNull();
    assertThat(old.closed).isTrue();

    FakeConnection dead = new FakeConnection();
    connections.park("dead", dead);
    dead.alive = false;
    assertThat(connections.take("dead", FakeConnection.class)).isNull();
    assertThat(dead.closed).isTrue();
  }

  @Test
  void changedCredentialsNeverReuseAConnection() {
    PasswordAccess before = access("old-password");
    PasswordAccess after = access("new-password");
    assertThat(IdleConnections.key("smtp", before.outgoing(), before))
        .isNotEqualTo(IdleConnections.key("smtp", after.outgoing(), after))
        .doesNotContain("old-password");
  }

  @Test
  void beyondTheBoundConnectionsAreClosedInsteadOfKept() {
    IdleConnections connections = new IdleConnections(Duration.ofSeconds(30), 1, clock);
    FakeConnection first = new FakeConnection();
    FakeConnection second = new FakeConnection();
    connections.park("a", first);
    connections.park("b", second);
    assertThat(connections.size()).isEqualTo(1);
    assertThat(second.closed).isTrue();
    connections.close();
    assertThat(first.closed).isTrue();
  }
}
