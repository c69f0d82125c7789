package dev.mailroom.provider.ses;

import dev.mailroom.provider.hosted.HostedOutbound;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.ProviderException;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.Destination;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.RawMessage;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * Hosted mail sent with the SES v2 API as the raw MIME Mailroom composed, so headers, threading and
 * attachments are exactly those of every other way out. The answer's message id is what SES's
 * delivery, bounce and complaint notifications name the message by, so it becomes the message's
 * provider id.
 *
 * <p>The client must not retry on its own: SES has no idempotency key, so a request retried after
 * its answer was lost could send the message twice. The send worker's policy decides instead
 * ({@link SesErrors}).
 */
public final class SesOutbound implements HostedOutbound {
  private final SesV2Client ses;
  private final String configurationSet;

  /**
   * @param configurationSet the SES configuration set whose event destination publishes delivery,
   *     bounce, complaint and reject events to Mailroom's SNS topic; empty for none
   */
  public SesOutbound(SesV2Client ses, String configurationSet) {
    this.ses = ses;
    this.configurationSet =
        configurationSet == null || configurationSet.isBlank() ? null : configurationSet;
  }

  /**
   * SES chooses the envelope sender itself (its own domain, or the identity's custom MAIL FROM
   * domain) and reports bounces as notifications, so {@code returnPath} is not used.
   */
  @Override
  public Optional<String> submit(
      MailboxAccess access, byte[] raw, List<String> recipients, String returnPath)
      throws ProviderException {
    SendEmailRequest request =
        SendEmailRequest.builder()
            .fromEmailAddress(access.address())
            // The envelope: Bcc recipients are here and not in the headers.
            .destination(Destination.builder().toAddresses(recipients).build())
            .content(
                EmailContent.builder()
                    .raw(RawMessage.builder().data(SdkBytes.fromByteArray(raw)).build())
                    .build())
            .configurationSetName(configurationSet)
            .build();
    try {
      return Optional.of(ses.sendEmail(request).messageId());
    } catch (SdkException e) {
      throw SesErrors.map("SES SendEmail for " + access.address(), e);
    }
  }
}
