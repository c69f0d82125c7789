package dev.mailroom.infra.mail;

import dev.mailroom.infra.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A real IMAP server for tests that GreenMail cannot serve: Dovecot (Debian's {@code
 * dovecot-imapd}) started on an ephemeral port with its own configuration, users and Maildirs in a
 * temporary directory. It offers what GreenMail lacks, CONDSTORE and QRESYNC, and it serves a
 * 10,000-message folder in well under a second where GreenMail needs minutes.
 *
 * <p>Messages can be put straight into a user's Maildir ({@link #deliver}), which is how a test
 * fills a large mailbox quickly; Dovecot indexes them on the next SELECT.
 */
public final class DovecotServer implements AutoCloseable {
  /** Where Debian installs it; {@code MAILROOM_DOVECOT} overrides. */
  private static final String DEFAULT_BINARY = "/usr/sbin/dovecot";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final Path root;
  private final Process process;
  private final int imapPort;
  private final boolean asRoot;

  private DovecotServer(Path root, Process process, int imapPort, boolean asRoot) {
    this.root = root;
    this.process = process;
    this.imapPort = imapPort;
    this.asRoot = asRoot;
  }

  /** The Dovecot binary, or null when it is not installed. */
  public static Path binary() {
    String configured = System.getenv("MAILROOM_DOVECOT");
    Path path = Path.of(configured != null ? configured : DEFAULT_BINARY);
    return Files.isExecutable(path) ? path : null;
  }

  /**
   * For {@code @EnabledIf}: tests that need Dovecot are skipped where it is not installed, unless
   * {@code MAILROOM_REQUIRE_DOVECOT=true} (set by CI), where its absence fails them instead.
   */
  public static boolean available() {
    if (binary() == null && Boolean.parseBoolean(System.getenv("MAILROOM_REQUIRE_DOVECOT"))) {
      throw new IllegalStateException(
          "MAILROOM_REQUIRE_DOVECOT is set but Dovecot is not installed (dovecot-imapd)");
    }
    return binary() != null;
  }

  public static DovecotServer start() {
    Path binary = binary();
    if (binary == null) {
      throw new IllegalStateException(
          "Dovecot is not installed (apt-get install dovecot-imapd, or set MAILROOM_DOVECOT)");
    }
    try {
      Path root = Files.createTempDirectory("mailroom-dovecot");
      // Dovecot's login processes must reach their sockets through this directory.
      Files.setPosixFilePermissions(
          root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.createDirectories(root.resolve("run"));
      Files.createDirectories(root.resolve("state"));
      Files.createDirectories(root.resolve("home"));
      Files.createDirectories(root.resolve("users"));
      boolean asRoot = "root".equals(System.getProperty("user.name"));
      int port = Ports.freePort();
      Files.writeString(root.resolve("dovecot.conf"), configuration(root, port, asRoot));
      if (asRoot) {
        own(root.resolve("home"));
      }
      Process process =
          new ProcessBuilder(binary.toString(), "-F", "-c", root.resolve("dovecot.conf").toString())
              .redirectErrorStream(true)
              .redirectOutput(root.resolve("stdout.log").toFile())
              .start();
      DovecotServer server = new DovecotServer(root, process, port, asRoot);
      // A JVM that exits without closing the server must not leave Dovecot running.
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
      server.awaitListening();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Dovecot did not start", e);
    }
  }

  /**
   * As root, Dovecot refuses to run login processes or mail access as root, so mail belongs to
   * {@code nobody}; as anyone else, every process runs as that user.
   */
  private static String configuration(Path root, int port, boolean asRoot) {
    String user = System.getProperty("user.name");
    String mailIds = asRoot ? "uid=65534 gid=65534" : "uid=%s gid=%s".formatted(uid(), gid());
    String processUsers =
        asRoot
            ? ""
            : """
              default_login_user = %1$s
              default_internal_user = %1$s
              default_internal_group = %2$s
              """
                .formatted(user, groupName());
    return """
        base_dir = %1$s/run
        state_dir = %1$s/state
        log_path = %1$s/dovecot.log
        protocols = imap
        listen = 127.0.0.1
        ssl = no
        disable_plaintext_auth = no
        auth_mechanisms = plain login
        mail_location = maildir:~/Maildir
        %3$s
        service imap-login {
          inet_listener imap {
            port = %2$d
          }
          inet_listener imaps {
            port = 0
          }
          chroot =
        }
        service anvil {
          chroot =
        }
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format=%%u %1$s/users/%%u
        }
        userdb {
          driver = passwd-file
          args = username_format=%%u %1$s/users/%%u
          default_fields = %4$s home=%1$s/home/%%u
        }
        namespace inbox {
          inbox = yes
          mailbox Sent {
            special_use = \\Sent
            auto = subscribe
          }
          mailbox Trash {
            special_use = \\Trash
            auto = subscribe
          }
        }
        """
        .formatted(root, port, processUsers, mailIds);
  }

  private void awaitListening() {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Dovecot exited at start: " + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(Ports.LOOPBACK, imapPort), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    close();
    throw new IllegalStateException("Dovecot did not listen within " + START_TIMEOUT);
  }

  public String host() {
    return Ports.LOOPBACK;
  }

  public int imapPort() {
    return imapPort;
  }

  /**
   * Adds a user whose login is the address. Each user has a file of their own: Dovecot rereads a
   * changed passwd-file at most once a second, but opens a new one at the first login.
   */
  public void addUser(String address, String password) {
    try {
      Files.writeString(
          root.resolve("users").resolve(address), address + ":{PLAIN}" + password + "::::::\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a user with this login (the address) was added. */
  public boolean hasUser(String address) {
    return Files.exists(root.resolve("users").resolve(address));
  }

  /**
   * Puts a message straight into a folder of the user's Maildir, as a delivery agent would; the
   * folder ({@code INBOX} or a name such as {@code Archive}) is created if needed.
   */
  public void deliver(String address, String folder, byte[] raw, boolean seen) {
    try {
      Path maildir = folderDirectory(address, folder);
      String name =
          "%d.M%dP%d.mailroom,S=%d"
              .formatted(
                  Instant.now().getEpochSecond(),
                  SEQUENCE.incrementAndGet(),
                  ProcessHandle.current().pid(),
                  raw.length);
      Path file =
          seen
              ? maildir.resolve("cur").resolve(name + ":2,S")
              : maildir.resolve("new").resolve(name);
      Files.write(file, raw);
      if (asRoot) {
        own(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized Path folderDirectory(String address, String folder) throws IOException {
    Path maildir = root.resolve("home").resolve(address).resolve("Maildir");
    Path directory = folder.equalsIgnoreCase("INBOX") ? maildir : maildir.resolve("." + folder);
    if (!Files.isDirectory(directory.resolve("tmp"))) {
      for (String part : new String[] {"cur", "new", "tmp"}) {
        Files.createDirectories(directory.resolve(part));
      }
      if (asRoot) {
        own(root.resolve("home").resolve(address));
      }
    }
    return directory;
  }

  /** Hands a file or tree to the mail user Dovecot runs as when started by root. */
  private static void own(Path path) throws IOException {
    UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal nobody = lookup.lookupPrincipalByName("nobody");
    GroupPrincipal group = lookup.lookupPrincipalByGroupName(nogroup(lookup));
    try (Stream<Path> tree = Files.walk(path)) {
      for (Path each : (Iterable<Path>) tree::iterator) {
        PosixFileAttributeView view =
            Files.getFileAttributeView(each, PosixFileAttributeView.class);
        view.setOwner(nobody);
        view.setGroup(group);
      }
    }
  }

  private static String nogroup(UserPrincipalLookupService lookup) {
    try {
      lookup.lookupPrincipalByGroupName("nogroup");
      return "nogroup";
    } catch (IOException e) {
      return "nobody";
    }
  }

  private static String uid() {
    return id("-u");
  }

  private static String gid() {
    return id("-g");
  }

  private static String groupName() {
    return id("-gn");
  }

  private static String id(String option) {
    try {
      Process id = new ProcessBuilder("id", option).start();
      String value = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      id.waitFor(5, TimeUnit.SECONDS);
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Dovecot's own log, for a test's failure message. */
  public String log() {
    try {
      Path log = root.resolve("dovecot.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> tree = Files.walk(root)) {
      tree.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
