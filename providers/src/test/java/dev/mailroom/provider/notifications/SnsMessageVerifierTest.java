package dev.mailroom.provider.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.mailroom.infra.sns.SnsTestSigner;
import dev.mailroom.provider.notifications.SnsMessageVerifier.Policy;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The verifier accepts what SNS signs for an allowed topic, recently, with a certificate from an
 * allowed URL that chains to a trusted CA, and refuses everything else, telling a certificate it
 * cannot fetch now (retry) from a message that will never pass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnsMessageVerifierTest {
  private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:mailroom-ses-events";
  private static final String OTHER_TOPIC = "arn:aws:sns:eu-west-1:999999999999:someone-else";
  private static final String SES_EVENT =
      "{\"eventType\":\"Bounce\",\"mail\":{\"messageId\":\"0102018c-aaaa\"},"
          + "\"note\":\"line one\\nline two \\\"quoted\\\" \\u00e9t\\u00e9 \\ud83d\\udce8\"}";

  private SnsTestSigner signer;
  private Instant now;

  @BeforeAll
  void start() {
    signer = new SnsTestSigner();
    now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  @AfterAll
  void stop() {
    signer.close();
  }

  private Policy policy() {
    return Policy.forTopics(Set.of(TOPIC), signer.trustAnchors())
        .withSigningCertUrlPattern(signer.certUrlPattern())
        .withClock(Clock.fixed(now, ZoneOffset.UTC))
        .withFetchTimeout(Duration.ofSeconds(2));
  }

  private SnsMessageVerifier verifier() {
    return new SnsMessageVerifier(policy());
  }

  private SnsMessageRefused refusal(SnsMessageVerifier verifier, byte[] body) {
    SnsMessageRefused refused =
        catchThrowableOfType(SnsMessageRefused.class, () -> verifier.verify(body));
    assertThat(refused).as("refused").isNotNull();
    return refused;
  }

  @Nested
  class Accepted {
    @Test
    void aVersion1NotificationWithItsFieldsIntact() {
      SnsTestSigner.MessageBuilder sent =
          signer
              .notification(TOPIC, "Amazon SES Email Event Notification", SES_EVENT)
              .timestamp(now.minusSeconds(5));

      SnsMessage message = verifier().verify(sent.bytes());

      assertThat(message.isNotification()).isTrue();
      assertThat(message.type()).isEqualTo("Notification");
      assertThat(message.topicArn()).isEqualTo(TOPIC);
      assertThat(message.subject()).isEqualTo("Amazon SES Email Event Notification");
      assertThat(message.message()).isEqualTo(SES_EVENT);
      assertThat(message.messageId()).isEqualTo(sent.fields().get("MessageId"));
      assertThat(message.timestamp()).isEqualTo(now.minusSeconds(5));
      assertThat(message.signatureVersion()).isEqualTo("1");
      assertThat(message.signingCertUrl()).isEqualTo(signer.certUrl());
      assertThat(message.unsubscribeUrl()).startsWith(signer.baseUrl());
      assertThat(message.token()).isNull();
      assertThat(message.subscribeUrl()).isNull();
    }

    @Test
    void aVersion2Notification() {
      byte[] body =
          signer
              .notification(TOPIC, "subject", SES_EVENT)
              .signatureVersion(2)
              .timestamp(now)
              .bytes();

      SnsMessage message = verifier().verify(body);

      assertThat(message.signatureVersion()).isEqualTo("2");
      assertThat(message.message()).isEqualTo(SES_EVENT);
    }

    @Test
    void aNotificationWithoutSubject() {
      byte[] body = signer.notification(TOPIC, null, "plain").timestamp(now).bytes();

      SnsMessage message = verifier().verify(body);

      assertThat(message.subject()).isNull();
      assertThat(message.message()).isEqualTo("plain");
    }

    @Test
    void theTimestampIsVerifiedAsSentNotAsReformatted() {
      // One fractional digit: Instant.toString would write three, and the signature would break.
      String text =
          DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.S'Z'")
              .withZone(ZoneOffset.UTC)
              .format(now.minusSeconds(30));
      byte[] body =
          signer.notification(TOPIC, "s", "m").signatureVersion(2).timestamp(text).bytes();

      SnsMessage message = verifier().verify(body);

      assertThat(message.timestampText()).isEqualTo(text);
      assertThat(message.timestamp().toString()).isNotEqualTo(text);
    }

    @Test
    void aSubscriptionConfirmationWhoseUrlConfirms() throws Exception {
      SnsTestSigner.MessageBuilder sent = signer.subscriptionConfirmation(TOPIC).timestamp(now);

      SnsMessage message = verifier().verify(sent.bytes());

      assertThat(message.isSubscriptionConfirmation()).isTrue();
      assertThat(message.token()).isEqualTo(sent.fields().get("Token"));
      assertThat(message.subscribeUrl()).isEqualTo(signer.subscribeUrl(message.token()));
      HttpResponse<String> confirmed =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(message.subscribeUrl())).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(confirmed.statusCode()).isEqualTo(200);
      assertThat(signer.confirmedTokens()).contains(message.token());
    }

    @Test
    void anUnsubscribeConfirmationSignedWithVersion2() {
      byte[] body =
          signer.unsubscribeConfirmation(TOPIC).signatureVersion(2).timestamp(now).bytes();

      SnsMessage message = verifier().verify(body);

      assertThat(message.isUnsubscribeConfirmation()).isTrue();
      assertThat(message.token()).isNotBlank();
    }

    @Test
    void withTrustAnchorsTakenFromAKeyStore() {
      SnsMessageVerifier verifier =
          new SnsMessageVerifier(
              policy().withTrustAnchors(Policy.trustAnchorsOf(signer.trustStore())));

      assertThatCode(() -> verifier.verify(signer.notification(TOPIC, "s", "m").bytes()))
          .doesNotThrowAnyException();
    }

    @Test
    void aCertificateIsFetchedOncePerUrl() {
      SnsMessageVerifier verifier = verifier();
      long before = signer.certificateFetches();

      verifier.verify(signer.notification(TOPIC, "s", "one").timestamp(now).bytes());
      verifier.verify(signer.notification(TOPIC, "s", "two").signatureVersion(2).bytes());
      verifier.verify(signer.subscriptionConfirmation(TOPIC).bytes());

      assertThat(signer.certificateFetches() - before).isEqualTo(1);
    }

    @Test
    void aTimestampJustWithinTheLimits() {
      SnsMessageVerifier verifier = verifier();

      assertThatCode(
              () -> {
                verifier.verify(
                    signer
                        .notification(TOPIC, "s", "m")
                        .timestamp(now.minus(Duration.ofMinutes(59)))
                        .bytes());
                verifier.verify(
                    signer
                        .notification(TOPIC, "s", "m")
                        .timestamp(now.plus(Duration.ofMinutes(4)))
                        .bytes());
              })
          .doesNotThrowAnyException();
    }
  }

  @Nested
  class ForgedOrAltered {
    @Test
    void aTamperedMessage() {
      byte[] body =
          signer.notification(TOPIC, "s", SES_EVENT).tamper("Message", "{\"forged\":1}").bytes();

      assertThat(refusal(verifier(), body))
          .hasMessageContaining("signature does not match")
          .returns(false, SnsMessageRefused::isTransient);
    }

    @Test
    void aTamperedSubjectMessageIdTimestampOrSubscribeUrl() {
      SnsMessageVerifier verifier = verifier();

      assertThat(
              refusal(
                  verifier, signer.notification(TOPIC, "s", "m").tamper("Subject", "x").bytes()))
          .hasMessageContaining("signature");
      assertThat(
              refusal(
                  verifier, signer.notification(TOPIC, "s", "m").tamper("MessageId", "x").bytes()))
          .hasMessageContaining("signature");
      assertThat(
              refusal(
                  verifier,
                  signer
                      .notification(TOPIC, "s", "m")
                      .timestamp(now.minusSeconds(60))
                      .tamper("Timestamp", now.toString())
                      .bytes()))
          .hasMessageContaining("signature");
      assertThat(
              refusal(
                  verifier,
                  signer
                      .subscriptionConfirmation(TOPIC)
                      .tamper("SubscribeURL", "https://attacker.example/confirm")
                      .bytes()))
          .hasMessageContaining("signature");
    }

    @Test
    void aRemovedSubject() {
      byte[] body = signer.notification(TOPIC, "s", "m").tamper("Subject", null).bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("signature");
    }

    @Test
    void aWrongSignature() {
      byte[] random = new byte[256];
      new java.util.Random(7).nextBytes(random);
      byte[] body =
          signer
              .notification(TOPIC, "s", "m")
              .tamper("Signature", Base64.getEncoder().encodeToString(random))
              .bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("signature does not match");
    }

    @Test
    void aSignatureThatIsNotBase64() {
      byte[] body = signer.notification(TOPIC, "s", "m").tamper("Signature", "%%%").bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("base64");
    }

    @Test
    void aVersionThatDoesNotMatchTheSignature() {
      byte[] body =
          signer
              .notification(TOPIC, "s", "m")
              .signatureVersion(1)
              .tamper("SignatureVersion", "2")
              .bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("signature does not match");
    }

    @Test
    void aSignatureByAnotherKeyPointingAtTheGenuineCertificate() {
      byte[] body =
          signer
              .notification(TOPIC, "s", "m")
              .signedBy(signer.impostor())
              .signingCertUrl(signer.certUrl())
              .bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("signature does not match");
    }
  }

  @Nested
  class Certificate {
    @Test
    void aUrlOutsideThePatternIsRefusedBeforeAnyFetch() {
      SnsMessageVerifier verifier = verifier();
      long before = signer.requests().size();

      for (String url :
          new String[] {
            "https://attacker.example/SimpleNotificationService-x.pem",
            signer.certUrl() + "?x=.pem",
            signer.certUrl().replace(".pem", ".txt"),
            signer.certUrl().replace("127.0.0.1", "127.0.0.1.attacker.example"),
          }) {
        byte[] body = signer.notification(TOPIC, "s", "m").signingCertUrl(url).bytes();
        assertThat(refusal(verifier, body))
            .hasMessageContaining("not an SNS certificate URL")
            .returns(false, SnsMessageRefused::isTransient);
      }
      assertThat(signer.requests()).hasSize((int) before);
    }

    @Test
    void theDefaultPolicyOnlyFetchesFromSnsHostsOverHttps() {
      SnsMessageVerifier verifier =
          new SnsMessageVerifier(
              Policy.forTopics(Set.of(TOPIC)).withClock(Clock.fixed(now, ZoneOffset.UTC)));
      long before = signer.requests().size();

      assertThat(refusal(verifier, signer.notification(TOPIC, "s", "m").timestamp(now).bytes()))
          .hasMessageContaining("not an SNS certificate URL");
      assertThat(signer.requests()).hasSize((int) before);
    }

    @Test
    void theDefaultPatternAcceptsSnsEndpointsOnly() {
      Pattern pattern = Pattern.compile(SnsMessageVerifier.AWS_SIGNING_CERT_URL);

      assertThat(
              Set.of(
                  "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-7ff5318490ec.pem",
                  "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
                  "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-a.pem"))
          .allMatch(url -> pattern.matcher(url).matches());
      assertThat(
              Set.of(
                  "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem",
                  "https://sns.us-east-1.amazonaws.com.attacker.example/a.pem",
                  "https://sns.us-east-1.amazonaws.com@attacker.example/a.pem",
                  "https://attacker.example/sns.us-east-1.amazonaws.com/a.pem",
                  "https://sns.us-east-1.amazonaws.com/a.pem?x=1",
                  "https://sns.us-east-1.amazonaws.com/a.pem#x",
                  "https://sns.us-east-1.amazonaws.com/a.pem\n",
                  "https://sns.us-east-1.amazonaws.com:8443/a.pem",
                  "https://SNS.us-east-1.amazonaws.com/a.pem",
                  "https://s3.us-east-1.amazonaws.com/a.pem",
                  // S3 hosts a bucket named "sns" at these: anyone's certificate could be there.
                  "https://sns.s3.amazonaws.com/a.pem",
                  "https://sns.s3-website-us-east-1.amazonaws.com/a.pem",
                  "https://sns.random-name.amazonaws.com/a.pem"))
          .noneMatch(url -> pattern.matcher(url).matches());
    }

    @Test
    void aLeafFromAnImpostorCa() {
      byte[] body = signer.notification(TOPIC, "s", "m").signedBy(signer.impostor()).bytes();

      assertThat(refusal(verifier(), body))
          .hasMessageContaining("not trusted")
          .returns(false, SnsMessageRefused::isTransient);
    }

    @Test
    void anImpostorCaThatCarriesTheTrustedCasName() {
      // Same subject as the trusted root: only its key tells them apart.
      assertThat(signer.impostorRoot().getSubjectX500Principal())
          .isEqualTo(signer.root().getSubjectX500Principal());
      byte[] body = signer.notification(TOPIC, "s", "m").signedBy(signer.impostor()).bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("not trusted");
    }

    @Test
    void aLeafIssuedToAnotherName() {
      byte[] body = signer.notification(TOPIC, "s", "m").signedBy(signer.otherSubject()).bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("not issued to sns.amazonaws.com");
    }

    @Test
    void anotherNameIsAcceptedWhereThePolicyNamesIt() {
      SnsMessageVerifier verifier =
          new SnsMessageVerifier(policy().withCertificateSubject(SnsTestSigner.OTHER_SUBJECT));
      byte[] body = signer.notification(TOPIC, "s", "m").signedBy(signer.otherSubject()).bytes();

      assertThatCode(() -> verifier.verify(body)).doesNotThrowAnyException();
    }

    @Test
    void anExpiredLeaf() {
      byte[] body = signer.notification(TOPIC, "s", "m").signedBy(signer.expired()).bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("not trusted");
    }

    @Test
    void aCachedCertificateIsNotTrustedPastItsExpiry() {
      SnsMessageVerifier today = verifier();
      today.verify(signer.notification(TOPIC, "s", "m").timestamp(now).bytes());
      Instant later = signer.genuine().leaf().getNotAfter().toInstant().plus(Duration.ofDays(1));
      SnsMessageVerifier nextYear =
          new SnsMessageVerifier(policy().withClock(Clock.fixed(later, ZoneOffset.UTC)));

      assertThat(refusal(nextYear, signer.notification(TOPIC, "s", "m").timestamp(later).bytes()))
          .hasMessageContaining("not trusted");
    }

    @Test
    void anUnreachableCertificateServerIsTransient() {
      SnsTestSigner gone = new SnsTestSigner();
      byte[] body = gone.notification(TOPIC, "s", "m").timestamp(now).bytes();
      SnsMessageVerifier verifier =
          new SnsMessageVerifier(
              Policy.forTopics(Set.of(TOPIC), gone.trustAnchors())
                  .withSigningCertUrlPattern(gone.certUrlPattern())
                  .withClock(Clock.fixed(now, ZoneOffset.UTC))
                  .withFetchTimeout(Duration.ofSeconds(2)));
      gone.close();

      SnsMessageRefused refused = refusal(verifier, body);

      assertThat(refused).isInstanceOf(SnsMessageRefused.CertificateUnavailable.class);
      assertThat(refused.isTransient()).isTrue();
    }

    @Test
    void aCertificateServerAnswering5xxIsTransientAnd404IsNot() {
      SnsMessageVerifier verifier = verifier();
      byte[] body = signer.notification(TOPIC, "s", "m").bytes();
      try {
        signer.certificateStatus(503);
        assertThat(refusal(verifier, body).isTransient()).isTrue();
        signer.certificateStatus(404);
        assertThat(refusal(verifier, body))
            .hasMessageContaining("404")
            .returns(false, SnsMessageRefused::isTransient);
        // Nothing failed was kept: the same message passes once the server is back.
        signer.certificateStatus(200);
        assertThatCode(() -> verifier.verify(body)).doesNotThrowAnyException();
      } finally {
        signer.certificateStatus(200);
      }
    }

    @Test
    void aSlowCertificateServerTimesOutAsTransient() throws Exception {
      HttpServer slow = server();
      slow.createContext(
          "/slow.pem",
          exchange -> {
            try {
              Thread.sleep(2_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            exchange.close();
          });
      slow.start();
      try {
        SnsMessageVerifier verifier =
            new SnsMessageVerifier(
                policy()
                    .withSigningCertUrlPattern("^http://127\\.0\\.0\\.1:[0-9]+/[^?#]*\\.pem$")
                    .withFetchTimeout(Duration.ofMillis(300)));
        byte[] body =
            signer.notification(TOPIC, "s", "m").signingCertUrl(url(slow, "/slow.pem")).bytes();

        long started = System.nanoTime();
        SnsMessageRefused refused = refusal(verifier, body);

        assertThat(refused.isTransient()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isLessThan(Duration.ofMillis(1_500));
      } finally {
        slow.stop(0);
      }
    }

    @Test
    void anOversizedOrRedirectedOrUnreadableCertificateIsRefused() throws Exception {
      HttpServer odd = server();
      odd.createContext(
          "/big.pem",
          exchange -> {
            byte[] chunk = new byte[8192];
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
              for (int i = 0; i < 64; i++) {
                out.write(chunk);
              }
            } catch (java.io.IOException e) {
              // The verifier hung up, as it should.
            }
          });
      odd.createContext(
          "/moved.pem",
          exchange -> {
            exchange.getResponseHeaders().set("Location", signer.certUrl());
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
          });
      odd.createContext(
          "/garbage.pem",
          exchange -> {
            byte[] text = "not a certificate".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, text.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(text);
            }
          });
      odd.start();
      try {
        SnsMessageVerifier verifier =
            new SnsMessageVerifier(
                policy().withSigningCertUrlPattern("^http://127\\.0\\.0\\.1:[0-9]+/[^?#]*\\.pem$"));

        assertThat(
                refusal(
                    verifier,
                    signer
                        .notification(TOPIC, "s", "m")
                        .signingCertUrl(url(odd, "/big.pem"))
                        .bytes()))
            .hasMessageContaining("larger than")
            .returns(false, SnsMessageRefused::isTransient);
        assertThat(
                refusal(
                    verifier,
                    signer
                        .notification(TOPIC, "s", "m")
                        .signingCertUrl(url(odd, "/moved.pem"))
                        .bytes()))
            .hasMessageContaining("302")
            .returns(false, SnsMessageRefused::isTransient);
        assertThat(
                refusal(
                    verifier,
                    signer
                        .notification(TOPIC, "s", "m")
                        .signingCertUrl(url(odd, "/garbage.pem"))
                        .bytes()))
            .returns(false, SnsMessageRefused::isTransient);
      } finally {
        odd.stop(0);
      }
    }

    private HttpServer server() throws java.io.IOException {
      return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    }

    private String url(HttpServer server, String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }
  }

  @Nested
  class IssuerFetching {
    private SnsMessageVerifier fetchingVerifier() {
      return new SnsMessageVerifier(policy().withIssuerUrlPattern(signer.issuerUrlPattern()));
    }

    @Test
    void aLeafAloneIsCompletedWithTheIssuerItsAiaNamesFetchedOnce() {
      SnsMessageVerifier verifier = fetchingVerifier();
      long certificatesBefore = signer.certificateFetches();
      long issuersBefore = signer.issuerFetches();
      try {
        verifier.verify(
            signer
                .notification(TOPIC, "s", "one")
                .signingCertUrl(signer.leafOnlyCertUrl())
                .timestamp(now)
                .bytes());
        // Another certificate URL, the same issuer.
        signer.serveLeafOnly(true);
        verifier.verify(signer.notification(TOPIC, "s", "two").signatureVersion(2).bytes());
      } finally {
        signer.serveLeafOnly(false);
      }

      assertThat(signer.certificateFetches() - certificatesBefore).isEqualTo(2);
      assertThat(signer.issuerFetches() - issuersBefore).isEqualTo(1);
      assertThat(signer.requests()).contains("/issuer/intermediate.cer");
    }

    @Test
    void anIntermediateOfThePolicyNeedsNoFetch() {
      SnsMessageVerifier verifier =
          new SnsMessageVerifier(
              policy().withIntermediates(Set.of(signer.genuine().chain().get(1))));
      long before = signer.issuerFetches();

      assertThatCode(
              () ->
                  verifier.verify(
                      signer
                          .notification(TOPIC, "s", "m")
                          .signingCertUrl(signer.leafOnlyCertUrl())
                          .bytes()))
          .doesNotThrowAnyException();
      assertThat(signer.issuerFetches()).isEqualTo(before);
    }

    @Test
    void aFullChainNeedsNoFetch() {
      long before = signer.issuerFetches();

      fetchingVerifier().verify(signer.notification(TOPIC, "s", "m").bytes());

      assertThat(signer.issuerFetches()).isEqualTo(before);
    }

    @Test
    void anIssuerUrlOutsideThePatternIsRefusedWithoutAFetch() {
      // The default pattern allows Amazon's CA hosts only.
      SnsMessageVerifier verifier = verifier();
      long before = signer.issuerFetches();
      byte[] body =
          signer.notification(TOPIC, "s", "m").signingCertUrl(signer.leafOnlyCertUrl()).bytes();

      assertThat(refusal(verifier, body))
          .hasMessageContaining("not trusted")
          .hasMessageContaining("not an allowed issuer URL")
          .returns(false, SnsMessageRefused::isTransient);
      assertThat(signer.issuerFetches()).isEqualTo(before);
    }

    @Test
    void anIssuerServerAnswering5xxIsTransientAnd404IsNot() {
      SnsMessageVerifier verifier = fetchingVerifier();
      byte[] body =
          signer.notification(TOPIC, "s", "m").signingCertUrl(signer.leafOnlyCertUrl()).bytes();
      try {
        signer.issuerStatus(503);
        SnsMessageRefused refused = refusal(verifier, body);
        assertThat(refused).isInstanceOf(SnsMessageRefused.CertificateUnavailable.class);
        assertThat(refused.isTransient()).isTrue();
        signer.issuerStatus(404);
        assertThat(refusal(verifier, body))
            .hasMessageContaining("404")
            .returns(false, SnsMessageRefused::isTransient);
        // Nothing failed was kept: the same message passes once the server is back.
        signer.issuerStatus(200);
        assertThatCode(() -> verifier.verify(body)).doesNotThrowAnyException();
      } finally {
        signer.issuerStatus(200);
      }
    }

    @Test
    void aLeafWhoseAiaNamesTheGenuineIntermediateButThatItDidNotSign() {
      SnsTestSigner.Identity impostor = signer.impostorUnderIntermediate();
      assertThat(impostor.leaf().getIssuerX500Principal())
          .isEqualTo(signer.genuine().chain().get(1).getSubjectX500Principal());
      assertThat(SnsMessageVerifier.caIssuerUrls(aia(impostor.leaf())))
          .containsExactly(signer.issuerUrl());
      byte[] body = signer.notification(TOPIC, "s", "m").signedBy(impostor).bytes();

      assertThat(refusal(fetchingVerifier(), body))
          .hasMessageContaining("not trusted")
          .returns(false, SnsMessageRefused::isTransient);
    }

    @Test
    void aLeafFromAnImpostorRootIsNotCompletedByItsAia() {
      // Its issuer carries the trusted root's name: only the anchor itself may stand for it.
      long before = signer.issuerFetches();
      byte[] body = signer.notification(TOPIC, "s", "m").signedBy(signer.impostor()).bytes();

      assertThat(refusal(fetchingVerifier(), body)).hasMessageContaining("not trusted");
      assertThat(signer.issuerFetches()).isEqualTo(before);
    }

    @Test
    void theDefaultIssuerPatternAcceptsAmazonsCaHostsOnly() {
      Pattern pattern = Pattern.compile(SnsMessageVerifier.AWS_ISSUER_URL);

      assertThat(
              Set.of(
                  "http://crt.r2m02.amazontrust.com/r2m02.cer",
                  "http://crt.rootca1.amazontrust.com/rootca1.cer",
                  "http://crt.r2m01.amazontrust.com/r2m01.crt"))
          .allMatch(url -> pattern.matcher(url).matches());
      assertThat(
              Set.of(
                  "http://crt.r2m02.amazontrust.com.attacker.example/r2m02.cer",
                  "http://attacker.example/crt.r2m02.amazontrust.com/r2m02.cer",
                  "http://user@crt.r2m02.amazontrust.com/r2m02.cer",
                  "http://crt.r2m02.amazontrust.com:8080/r2m02.cer",
                  "http://crt.r2m02.amazontrust.com/r2m02.cer?x=.cer",
                  "http://crt.r2m02.amazontrust.com/r2m02.cer#x",
                  "http://crt.r2m02.amazontrust.com/r2m02.cer\n",
                  "http://crt.r2m02.amazontrust.com/r2m02.exe",
                  "ftp://crt.r2m02.amazontrust.com/r2m02.cer",
                  "http://amazontrust.com.attacker.example/r2m02.cer"))
          .noneMatch(url -> pattern.matcher(url).matches());
    }

    @Test
    void theAiaOfALeafIsRead() {
      assertThat(SnsMessageVerifier.caIssuerUrls(aia(signer.genuine().leaf())))
          .containsExactly(signer.issuerUrl());
      assertThat(SnsMessageVerifier.caIssuerUrls(aia(signer.root()))).isEmpty();
      assertThat(SnsMessageVerifier.caIssuerUrls(null)).isEmpty();
    }

    @Test
    void anAiaIsReadWithLongFormLengthsAndOtherAccessMethodsSkipped() {
      byte[] url = "http://crt.r2m02.amazontrust.com/r2m02.cer".getBytes(StandardCharsets.US_ASCII);
      byte[] ocsp =
          der(
              0x30,
              concat(
                  der(0x06, OCSP),
                  der(0x86, "http://ocsp.example".getBytes(StandardCharsets.US_ASCII))));
      byte[] caIssuers = der(0x30, concat(der(0x06, CA_ISSUERS), der(0x86, url)));
      // A long-form length where a short one would do, which a lenient reader still takes.
      byte[] descriptions =
          concat(
              new byte[] {0x30, (byte) 0x81, (byte) (ocsp.length + caIssuers.length)},
              concat(ocsp, caIssuers));

      assertThat(SnsMessageVerifier.caIssuerUrls(der(0x04, descriptions)))
          .containsExactly("http://crt.r2m02.amazontrust.com/r2m02.cer");
      // Two-byte lengths, as a large extension has them.
      byte[] large = der(0x30, concat(caIssuers, der(0x30, new byte[300])));
      assertThat(large[1]).isEqualTo((byte) 0x82);
      assertThat(SnsMessageVerifier.caIssuerUrls(der(0x04, large)))
          .containsExactly("http://crt.r2m02.amazontrust.com/r2m02.cer");
    }

    @Test
    void aMalformedAiaYieldsNothingAndNeverFails() {
      byte[] url = "http://crt.r2m02.amazontrust.com/r2m02.cer".getBytes(StandardCharsets.US_ASCII);
      byte[] description = der(0x30, concat(der(0x06, CA_ISSUERS), der(0x86, url)));
      byte[] good = der(0x04, der(0x30, description));

      for (int cut = 0; cut < good.length; cut++) {
        byte[] truncated = java.util.Arrays.copyOf(good, cut);
        assertThatCode(() -> SnsMessageVerifier.caIssuerUrls(truncated))
            .as("cut at %d", cut)
            .doesNotThrowAnyException();
      }
      for (byte[] bad :
          new byte[][] {
            {},
            {0x04},
            {0x04, (byte) 0x80, 0x30, 0x00, 0x00, 0x00},
            {0x04, (byte) 0x85, 0x01, 0x00, 0x00, 0x00, 0x00},
            {0x04, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x30, 0x00},
            {0x04, 0x02, 0x1f, 0x00},
            der(0x04, der(0x31, description)),
            der(0x04, der(0x30, der(0x30, concat(der(0x06, CA_ISSUERS), der(0x82, url))))),
            der(0x04, der(0x30, der(0x30, concat(der(0x06, CA_ISSUERS), der(0x86, new byte[0]))))),
            der(
                0x04,
                der(
                    0x30,
                    der(
                        0x30,
                        concat(
                            der(0x06, CA_ISSUERS),
                            der(0x86, "a b\n".getBytes(StandardCharsets.US_ASCII)))))),
            concat(good, new byte[] {0x00}),
          }) {
        assertThat(SnsMessageVerifier.caIssuerUrls(bad)).isEmpty();
      }
      // What follows a broken description is not read, what precedes it is.
      byte[] broken = concat(description, new byte[] {0x30, 0x7f, 0x00});
      assertThat(SnsMessageVerifier.caIssuerUrls(der(0x04, der(0x30, broken)))).hasSize(1);
    }

    private static final byte[] CA_ISSUERS = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02};
    private static final byte[] OCSP = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01};

    private byte[] aia(java.security.cert.X509Certificate certificate) {
      return certificate.getExtensionValue(SnsMessageVerifier.AUTHORITY_INFO_ACCESS_OID);
    }

    /** A DER element: a short-form length below 128, a two-byte long form above. */
    private byte[] der(int tag, byte[] contents) {
      int length = contents.length;
      return concat(
          length < 128
              ? new byte[] {(byte) tag, (byte) length}
              : new byte[] {(byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length},
          contents);
    }

    private byte[] concat(byte[] a, byte[] b) {
      byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, joined, a.length, b.length);
      return joined;
    }
  }

  @Nested
  class PolicyRefusals {
    @Test
    void aStaleTimestampIsRefusedWithoutAFetch() {
      long before = signer.certificateFetches();
      byte[] body =
          signer.notification(TOPIC, "s", "m").timestamp(now.minus(Duration.ofMinutes(61))).bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("too old");
      assertThat(signer.certificateFetches()).isEqualTo(before);
    }

    @Test
    void aMaxAgeOfTheOperatorsChoice() {
      SnsMessageVerifier strict =
          new SnsMessageVerifier(policy().withMaxAge(Duration.ofMinutes(5)));
      byte[] body =
          signer.notification(TOPIC, "s", "m").timestamp(now.minus(Duration.ofMinutes(6))).bytes();

      assertThat(refusal(strict, body)).hasMessageContaining("too old");
    }

    @Test
    void aFutureTimestamp() {
      byte[] body =
          signer.notification(TOPIC, "s", "m").timestamp(now.plus(Duration.ofMinutes(6))).bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("future");
    }

    @Test
    void aTopicNotAllowedIsRefusedWithoutAFetch() {
      long before = signer.certificateFetches();
      byte[] body = signer.notification(OTHER_TOPIC, "s", "m").bytes();

      assertThat(refusal(verifier(), body))
          .hasMessageContaining("topic")
          .hasMessageContaining("not allowed");
      assertThat(signer.certificateFetches()).isEqualTo(before);
    }

    @Test
    void anUnknownType() {
      byte[] body = signer.notification(TOPIC, "s", "m").tamper("Type", "Bogus").bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("unknown message type 'Bogus'");
    }

    @Test
    void anUnknownSignatureVersion() {
      SnsMessageVerifier verifier = verifier();

      assertThat(
              refusal(
                  verifier,
                  signer.notification(TOPIC, "s", "m").tamper("SignatureVersion", "3").bytes()))
          .hasMessageContaining("unsupported SignatureVersion '3'");
      assertThat(
              refusal(
                  verifier,
                  signer.notification(TOPIC, "s", "m").tamper("SignatureVersion", "01").bytes()))
          .hasMessageContaining("SignatureVersion");
    }

    @Test
    void aPolicyWithoutTopicsOrAnchorsCannotBeMade() {
      assertThatThrownBy(() -> Policy.forTopics(Set.of(), signer.trustAnchors()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Policy.forTopics(Set.of(TOPIC), Set.of()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(Policy.jdkTrustAnchors()).isNotEmpty();
    }
  }

  @Nested
  class Malformed {
    @Test
    void bodiesThatAreNotAnSnsObject() {
      SnsMessageVerifier verifier = verifier();

      for (String body :
          new String[] {
            "", "{", "[]", "\"Notification\"", "not json", "{\"Type\":\"Notification\"}"
          }) {
        assertThat(refusal(verifier, body.getBytes(StandardCharsets.UTF_8)))
            .as(body)
            .returns(false, SnsMessageRefused::isTransient);
      }
    }

    @Test
    void invalidJsonSaysWhere() {
      assertThat(refusal(verifier(), "{\"Type\": }".getBytes(StandardCharsets.UTF_8)))
          .hasMessageContaining("not valid JSON (line 1");
    }

    @Test
    void trailingContent() {
      byte[] body =
          (signer.notification(TOPIC, "s", "m").json() + " {}").getBytes(StandardCharsets.UTF_8);

      assertThat(refusal(verifier(), body)).hasMessageContaining("not valid JSON");
    }

    @Test
    void aDuplicatedField() {
      String json = signer.notification(TOPIC, "s", "m").json();
      byte[] body =
          json.replaceFirst("\\{", "{\"Message\":\"forged\",").getBytes(StandardCharsets.UTF_8);

      assertThat(refusal(verifier(), body)).hasMessageContaining("not valid JSON");
    }

    @Test
    void aMissingRequiredField() {
      SnsMessageVerifier verifier = verifier();

      assertThat(
              refusal(
                  verifier, signer.notification(TOPIC, "s", "m").tamper("Signature", null).bytes()))
          .hasMessageContaining("Signature field is missing");
      assertThat(
              refusal(
                  verifier, signer.notification(TOPIC, "s", "m").tamper("TopicArn", null).bytes()))
          .hasMessageContaining("TopicArn field is missing");
      assertThat(
              refusal(
                  verifier, signer.subscriptionConfirmation(TOPIC).tamper("Token", null).bytes()))
          .hasMessageContaining("Token field is missing");
      assertThat(
              refusal(
                  verifier,
                  signer.subscriptionConfirmation(TOPIC).tamper("SubscribeURL", null).bytes()))
          .hasMessageContaining("SubscribeURL field is missing");
    }

    @Test
    void aFieldThatIsNotAString() {
      String json = signer.notification(TOPIC, "s", "m").json();
      byte[] body =
          json.replaceFirst("\"SignatureVersion\" : \"1\"", "\"SignatureVersion\" : 1")
              .getBytes(StandardCharsets.UTF_8);

      assertThat(refusal(verifier(), body))
          .hasMessageContaining("SignatureVersion field is not a string");
    }

    @Test
    void anUnreadableTimestamp() {
      byte[] body = signer.notification(TOPIC, "s", "m").timestamp("yesterday").bytes();

      assertThat(refusal(verifier(), body)).hasMessageContaining("Timestamp 'yesterday'");
    }

    @Test
    void aRefusalNeverRepeatsALargeInput() {
      String huge = "x".repeat(100_000) + "\n";
      SnsMessageVerifier verifier = verifier();

      for (byte[] body :
          new byte[][] {
            signer.notification(TOPIC, "s", "m").tamper("Type", huge).bytes(),
            signer.notification(huge, "s", "m").bytes(),
            signer.notification(TOPIC, "s", "m").tamper("SignatureVersion", huge).bytes(),
            signer.notification(TOPIC, "s", "m").signingCertUrl(huge).bytes(),
            signer.notification(TOPIC, "s", "m").timestamp(huge).bytes(),
            ("{\"Type\":\"" + huge).getBytes(StandardCharsets.UTF_8),
          }) {
        assertThat(refusal(verifier, body).getMessage()).hasSizeLessThan(300).doesNotContain("\n");
      }
    }
  }
}
