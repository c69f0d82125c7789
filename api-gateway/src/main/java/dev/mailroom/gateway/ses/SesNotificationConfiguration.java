package dev.mailroom.gateway.ses;

import dev.mailroom.provider.notifications.SnsMessageVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** The settings of SES's SNS notifications, and the verifier they make. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SesNotificationProperties.class)
class SesNotificationConfiguration {

  /** The verifier the settings describe; they must name at least one topic. */
  static SnsMessageVerifier verifier(SesNotificationProperties properties, Clock clock) {
    Set<TrustAnchor> anchors =
        properties.trustedCertificates().isEmpty()
            ? SnsMessageVerifier.Policy.jdkTrustAnchors()
            : certificates(properties.trustedCertificates()).stream()
                .map(certificate -> new TrustAnchor(certificate, null))
                .collect(Collectors.toSet());
    Set<X509Certificate> intermediates =
        properties.intermediateCertificates().isEmpty()
            ? Set.of()
            : certificates(properties.intermediateCertificates());
    return new SnsMessageVerifier(
        SnsMessageVerifier.Policy.forTopics(Set.copyOf(properties.topicArns()), anchors)
            .withSigningCertUrlPattern(properties.signingCertUrlPattern())
            .withIntermediates(intermediates)
            .withCertificateSubject(properties.certificateSubject())
            .withMaxAge(properties.maxAge())
            .withFetchTimeout(properties.fetchTimeout())
            .withClock(clock));
  }

  /** Every certificate of a PEM file; a file without one is a configuration error at start-up. */
  private static Set<X509Certificate> certificates(String file) {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      Set<X509Certificate> certificates = new HashSet<>();
      CertificateFactory.getInstance("X.509")
          .generateCertificates(in)
          .forEach(certificate -> certificates.add((X509Certificate) certificate));
      if (certificates.isEmpty()) {
        throw new IllegalStateException("No certificate in " + file);
      }
      return certificates;
    } catch (IOException | CertificateException e) {
      throw new IllegalStateException("Cannot read the certificates in " + file, e);
    }
  }
}
