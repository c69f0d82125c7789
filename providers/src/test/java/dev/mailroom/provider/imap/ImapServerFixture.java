package dev.mailroom.provider.imap;

import dev.mailroom.infra.Ports;
import dev.mailroom.provider.contract.ProviderContract;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The provider contract's fixture for any IMAP server: the server's own state is changed through a
 * plain IMAP client, as another mail client of the user would.
 */
abstract class ImapServerFixture implements ProviderContract {
  private ImapProvider provider;
  protected String user;

  /** How often a watch renews IDLE; a renewal also picks up changes a push missed. */
  Duration idleKeepalive() {
    return ImapProvider.IDLE_KEEPALIVE;
  }

  abstract String host();

  abstract int imapPort();

  /** The SMTP port, or the IMAP port where the server takes no submissions. */
  abstract int smtpPort();

  abstract void addUser(String address, String password);

  @AfterEach
  void closeProvider() {
    if (provider != null) {
      provider.close();
    }
  }

  @Override
  public MailProvider provider() {
    if (provider == null) {
      provider = new ImapProvider(Duration.ofSeconds(10), idleKeepalive(), Clock.systemUTC());
    }
    return provider;
  }

  @Override
  public MailboxAccess newMailbox() throws Exception {
    MailboxAccess access = newMailboxWithoutTrash();
    try (Store store = plainClient()) {
      store.getFolder("Trash").create(Folder.HOLDS_MESSAGES);
    }
    return access;
  }

  /** A user with an INBOX only. */
  MailboxAccess newMailboxWithoutTrash() {
    user = "contract-" + UUID.randomUUID() + "@mailroom.local";
    addUser(user, "pw");
    return access("pw");
  }

  private MailboxAccess access(String secret) {
    return new PasswordAccess(
        user,
        user,
        secret,
        new MailboxAccess.Endpoint(host(), imapPort(), "none"),
        new MailboxAccess.Endpoint(host(), smtpPort(), "none"));
  }

  @Override
  public void deliverTo(String place, String rawMime) throws Exception {
    try (Store store = plainClient()) {
      Folder folder = store.getFolder(place);
      if (!folder.exists()) {
        folder.create(Folder.HOLDS_MESSAGES);
      }
      folder.appendMessages(new Message[] {parse(rawMime.getBytes(StandardCharsets.UTF_8))});
    }
  }

  /** The folder deleted and created again with the same messages: a new UIDVALIDITY. */
  @Override
  public boolean invalidateReferences(String place) throws Exception {
    try (Store store = plainClient()) {
      Folder folder = store.getFolder(place);
      folder.open(Folder.READ_ONLY);
      List<byte[]> kept = new ArrayList<>();
      for (Message message : folder.getMessages()) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        kept.add(raw.toByteArray());
      }
      folder.close(false);
      folder.delete(true);
      // Both servers derive a new folder's UIDVALIDITY from the clock, in seconds.
      Thread.sleep(1_100);
      folder.create(Folder.HOLDS_MESSAGES);
      for (byte[] raw : kept) {
        folder.appendMessages(new Message[] {parse(raw)});
      }
    }
    return true;
  }

  @Override
  public MailboxAccess withWrongSecret(MailboxAccess access) {
    return access("wrong");
  }

  @Override
  public MailboxAccess unreachable() {
    int closed = Ports.freePort();
    return new PasswordAccess(
        "x@mailroom.local",
        "x@mailroom.local",
        "pw",
        new MailboxAccess.Endpoint(Ports.LOOPBACK, closed, "none"),
        new MailboxAccess.Endpoint(Ports.LOOPBACK, closed, "none"));
  }

  Store plainClient() throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect(host(), imapPort(), user, "pw");
    return store;
  }

  static MimeMessage parse(byte[] raw) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
  }
}
