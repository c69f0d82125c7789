package dev.mailroom.provider.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.Ports;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.provider.login.LoginOutcome.Result;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The login check tells a refused password from a server that cannot be reached or is silent. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailLoginCheckTest {
  private final MailLoginCheck check = new MailLoginCheck(Duration.ofMillis(800));
  private EmbeddedMailServer server;

  @BeforeAll
  void start() {
    server = new EmbeddedMailServer(Ports.LOOPBACK, 0, 0);
    server.addUser("login@example.com", "right");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theRightPasswordLogsInToBothServers() {
    assertThat(check.check(login("right", imap(), smtp())).result()).isEqualTo(Result.ACCEPTED);
  }

  @Test
  void aWrongPasswordIsRefusedByTheImapServer() {
    LoginOutcome outcome = check.check(login("wrong", imap(), smtp()));
    assertThat(outcome.result()).isEqualTo(Result.REFUSED);
    assertThat(outcome.protocol()).isEqualTo("imap");
  }

  @Test
  void aClosedPortIsUnreachableNotRefused() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    LoginOutcome outcome = check.check(login("right", imap(), server(closed)));
    assertThat(outcome.result()).isEqualTo(Result.UNREACHABLE);
    assertThat(outcome.protocol()).isEqualTo("smtp");
  }

  @Test
  void aServerThatNeverGreetsTimesOut() throws Exception {
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  accepted.add(silent.accept());
                } catch (java.io.IOException ignored) {
                  // closed at the end of the test
                }
              });
      acceptor.start();
      long start = System.nanoTime();
      LoginOutcome outcome = check.check(login("right", server(silent.getLocalPort()), smtp()));
      assertThat(outcome.result()).isEqualTo(Result.TIMED_OUT);
      assertThat(outcome.protocol()).isEqualTo("imap");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    } finally {
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  private PasswordLogin.Server imap() {
    return server(server.endpoint().imapPort());
  }

  private PasswordLogin.Server smtp() {
    return server(server.endpoint().smtpPort());
  }

  private PasswordLogin.Server server(int port) {
    return new PasswordLogin.Server(server.endpoint().host(), port, "none");
  }

  private static PasswordLogin login(
      String password, PasswordLogin.Server imap, PasswordLogin.Server smtp) {
    return new PasswordLogin("login@example.com", "login@example.com", password, imap, smtp);
  }
}
