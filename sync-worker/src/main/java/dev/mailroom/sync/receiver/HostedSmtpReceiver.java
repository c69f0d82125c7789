package dev.mailroom.sync.receiver;

import dev.mailroom.model.command.ReceiveMessage;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.hosted.HostedRecipients;
import dev.mailroom.store.mailbox.Mailbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.TooMuchDataException;
import org.subethamail.smtp.server.SMTPServer;
import reactor.core.publisher.Mono;

/**
 * Receives mail for hosted mailboxes over SMTP (ADR 27). A message is accepted (250) only once its
 * raw bytes are in S3 and a {@link ReceiveMessage} for each recipient mailbox is on Kafka; when
 * either fails the sender is told 451 and retries later, so an accepted message is never lost. The
 * sync worker stores it as it stores synced mail.
 */
@Component
@ConditionalOnProperty(name = "mailroom.hosted.smtp.enabled", havingValue = "true")
public class HostedSmtpReceiver implements SmartLifecycle {
  static final String SOURCE = "/mailroom/smtp-receiver";
  private static final Logger log = LoggerFactory.getLogger(HostedSmtpReceiver.class);

  private final HostedSmtpProperties properties;
  private final HostedRecipients recipients;
  private final BlobStore blobs;
  private final EnvelopePublisher publisher;
  private final Clock clock;
  private final Semaphore deliveries;
  private SMTPServer server;

  HostedSmtpReceiver(
      HostedSmtpProperties properties,
      HostedRecipients recipients,
      BlobStore blobs,
      EnvelopePublisher publisher,
      Clock clock) {
    this.properties = properties;
    this.recipients = recipients;
    this.blobs = blobs;
    this.publisher = publisher;
    this.clock = clock;
    this.deliveries = new Semaphore(properties.maxConcurrentDeliveries());
  }

  @Override
  public synchronized void start() {
    InetAddress bind;
    try {
      bind = InetAddress.getByName(properties.bindAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("mailroom.hosted.smtp.bind-address: " + e.getMessage(), e);
    }
    server =
        SMTPServer.port(properties.port())
            .bindAddress(bind)
            .hostName(properties.hostName())
            .softwareName("Mailroom")
            .messageHandlerFactory(Delivery::new)
            .insertReceivedHeaders()
            .maxMessageSize(
                (int) Math.min(Integer.MAX_VALUE, properties.maxMessageSize().toBytes()))
            .maxRecipients(properties.maxRecipients())
            .maxConnections(properties.maxConnections())
            .connectionTimeoutMs((int) properties.connectionTimeout().toMillis())
            .serverThreadName("hosted-smtp")
            .build();
    server.start();
    log.info("Receiving mail for hosted domains on {}:{}", bind.getHostAddress(), port());
  }

  @Override
  public synchronized void stop() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The port it listens on, once started (the one picked when configured as 0). */
  public synchronized int port() {
    return server == null ? -1 : server.getPortAllocated();
  }

  /** One message of one SMTP session: its sender, the hosted mailboxes it is for, its bytes. */
  private final class Delivery implements MessageHandler {
    private final MessageContext context;
    private String sender = "";
    private final Map<String, Target> targets = new LinkedHashMap<>();

    private record Target(Mailbox mailbox, String recipient) {}

    Delivery(MessageContext context) {
      this.context = context;
    }

    @Override
    public void from(String from) {
      sender = from == null ? "" : from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
      HostedRecipients.Lookup lookup;
      try {
        lookup = recipients.find(recipient).block(properties.storeTimeout());
      } catch (RuntimeException e) {
        log.warn("Recipient {} could not be looked up: {}", recipient, e.toString());
        throw new RejectException(
            451, "4.3.0 <" + recipient + ">: recipient lookup failed, try again later");
      }
      if (lookup instanceof HostedRecipients.Found found) {
        targets.putIfAbsent(found.mailbox().id(), new Target(found.mailbox(), recipient));
      } else if (lookup instanceof HostedRecipients.NotHostedHere) {
        throw new RejectException(550, "5.7.1 <" + recipient + ">: relay access denied");
      } else {
        throw new RejectException(550, "5.1.1 <" + recipient + ">: no such mailbox here");
      }
    }

    @Override
    public String data(InputStream data) throws RejectException, TooMuchDataException, IOException {
      boolean admitted;
      try {
        admitted =
            deliveries.tryAcquire(properties.storeTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        admitted = false;
      }
      if (!admitted) {
        // Read to its end and dropped: the server parses what follows the data as commands.
        data.transferTo(OutputStream.nullOutputStream());
        throw new RejectException(451, "4.3.2 too busy to take the message now, try again later");
      }
      try {
        byte[] raw =
            readWithin(data, properties.maxMessageSize().toBytes(), properties.maxTransferTime());
        Instant receivedAt = clock.instant();
        for (Target target : targets.values()) {
          store(raw, target, receivedAt);
        }
        return null;
      } finally {
        deliveries.release();
      }
    }

    /**
     * The message's bytes, or 552 when there are more than {@code limit}: the server only checks a
     * size the sender declares, so the stream itself is bounded. The rest is read and dropped, so
     * that the session goes on after the refusal. A sender that takes longer than {@code time} for
     * the whole message (one trickling bytes holds a delivery slot) loses its connection, which
     * tells it to try again later.
     */
    private static byte[] readWithin(InputStream data, long limit, Duration time)
        throws IOException, RejectException {
      long deadline = System.nanoTime() + time.toNanos();
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      byte[] chunk = new byte[64 * 1024];
      int read;
      while ((read = data.read(chunk)) != -1) {
        if (System.nanoTime() > deadline) {
          throw new IOException("message transfer took longer than " + time);
        }
        if (raw.size() + (long) read > limit) {
          data.transferTo(OutputStream.nullOutputStream());
          throw new RejectException(552, "5.3.4 message too big: the limit is " + limit + " bytes");
        }
        raw.write(chunk, 0, read);
      }
      return raw.toByteArray();
    }

    private void store(byte[] raw, Target target, Instant receivedAt) throws RejectException {
      Mailbox mailbox = target.mailbox();
      String commandId = Ids.newId("cmd");
      String key = BlobKeys.inbound(mailbox.tenantId(), mailbox.id(), commandId);
      try {
        blobs
            .put(key, raw, "message/rfc822")
            .then(
                Mono.defer(
                    () ->
                        publisher.publish(
                            new ReceiveMessage(
                                commandId,
                                mailbox.tenantId(),
                                mailbox.id(),
                                key,
                                sender,
                                target.recipient(),
                                receivedAt),
                            SOURCE,
                            commandId)))
            .block(properties.storeTimeout());
        log.debug(
            "Session {}: message for {} accepted as {}",
            context.getSessionId(),
            target.recipient(),
            commandId);
      } catch (RuntimeException e) {
        log.warn(
            "Session {}: message for {} not stored, sender told to retry: {}",
            context.getSessionId(),
            target.recipient(),
            e.toString());
        throw new RejectException(451, "4.3.0 the message could not be stored, try again later");
      }
    }

    @Override
    public void done() {
      // Nothing held between messages.
    }
  }
}
