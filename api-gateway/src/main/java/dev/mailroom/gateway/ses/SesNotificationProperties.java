package dev.mailroom.gateway.ses;

import dev.mailroom.provider.notifications.SnsMessageVerifier;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What SES tells Mailroom through SNS (ADR 29): delivery, bounce, complaint and reject reports
 * about hosted mail, and mail its receipt rules took for the hosted domains.
 *
 * @param topicArns the SNS topics Mailroom is subscribed to; a notification of any other topic is
 *     refused (SNS signs every topic's messages, an attacker's own too). Empty, the endpoint is
 *     off.
 * @param signingCertUrlPattern where a signing certificate may be fetched from: SNS's own hosts
 * @param trustedCertificates a PEM file of the CAs a signing certificate must chain to; empty for
 *     the JDK's
 * @param intermediateCertificates a PEM file of intermediate CAs to complete a chain the
 *     certificate's own file does not carry; empty for none
 * @param certificateSubject the name the signing certificate must carry
 * @param receiptPrefix where in Mailroom's bucket the receipt rules' S3 action writes: a
 *     notification naming an object anywhere else (another tenant's mail) is refused
 * @param maxAge how old a notification may be: an older one is a replay and refused
 * @param fetchTimeout how long fetching a signing certificate or confirming a subscription may take
 */
@ConfigurationProperties("mailroom.hosted.ses.notifications")
public record SesNotificationProperties(
    @DefaultValue List<String> topicArns,
    @DefaultValue(SnsMessageVerifier.AWS_SIGNING_CERT_URL) String signingCertUrlPattern,
    @DefaultValue("") String trustedCertificates,
    @DefaultValue("") String intermediateCertificates,
    @DefaultValue(SnsMessageVerifier.SNS_CERTIFICATE_SUBJECT) String certificateSubject,
    @DefaultValue("ses-inbound/") String receiptPrefix,
    @DefaultValue("1h") Duration maxAge,
    @DefaultValue("5s") Duration fetchTimeout) {

  public boolean enabled() {
    return !topicArns.isEmpty();
  }
}
