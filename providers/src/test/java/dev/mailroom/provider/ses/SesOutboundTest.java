package dev.mailroom.provider.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.infra.ses.SesEmulator;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.provider.spi.ProviderException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/** Hosted mail through the SES v2 API, against the aws-ses-v2-local emulator. */
@EnabledIf("dev.mailroom.infra.ses.SesEmulator#available")
class SesOutboundTest {
  private static final PasswordAccess MAILBOX =
      new PasswordAccess("support@hosted.test", null, null, null, null);

  private static SesEmulator emulator;

  @BeforeAll
  static void start() {
    emulator = SesEmulator.start();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @Test
  void theRawMessageGoesOutAndSesMessageIdComesBack() throws Exception {
    String raw =
        """
        From: Support <support@hosted.test>\r
        To: alice@example.org\r
        Subject: Your order\r
        Message-ID: <order-1@hosted.test>\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        It ships today.\r
        """;
    try (SesV2Client client = client(emulator.endpoint())) {
      Optional<String> id =
          new SesOutbound(client, "")
              .submit(
                  MAILBOX,
                  raw.getBytes(StandardCharsets.UTF_8),
                  List.of("alice@example.org", "audit@example.org"),
                  null);

      assertThat(id).isPresent();
      assertThat(emulator.storedMessageIds()).contains(id.get());
      assertThat(emulator.store()).contains("Your order").contains("It ships today.");
    }
  }

  @Test
  void aMessageSesRefusesFailsForGood() {
    byte[] noFrom = "Subject: nobody sent this\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
    try (SesV2Client client = client(emulator.endpoint())) {
      assertThatThrownBy(
              () ->
                  new SesOutbound(client, "")
                      .submit(MAILBOX, noFrom, List.of("a@example.org"), null))
          .isInstanceOf(ProviderException.Permanent.class)
          .hasMessageContaining("support@hosted.test");
    }
  }

  @Test
  void sesOutOfReachIsTransientNeverAnAuthorizationProblem() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (SesV2Client client = client(URI.create("http://127.0.0.1:" + closedPort))) {
      assertThatThrownBy(
              () ->
                  new SesOutbound(client, "")
                      .submit(
                          MAILBOX,
                          "Subject: x\r\n\r\ny".getBytes(),
                          List.of("a@example.org"),
                          null))
          .isInstanceOf(ProviderException.Transient.class);
    }
  }

  @Test
  void sesErrorsMapOntoMailroomsKinds() {
    assertThat(SesErrors.map("send", TooManyRequestsException.builder().message("slow").build()))
        .isInstanceOf(ProviderException.RateLimited.class);
    assertThat(
            SesErrors.map(
                "send",
                MessageRejectedException.builder().message("Email address blocked").build()))
        .isInstanceOf(ProviderException.Permanent.class);
    assertThat(SesErrors.map("send", serviceError(503)))
        .isInstanceOf(ProviderException.Transient.class);
    assertThat(SesErrors.map("send", serviceError(403)))
        .isInstanceOf(ProviderException.Permanent.class)
        .hasMessageContaining("deployment's AWS credentials");
    // A connect timeout, in the HTTP client's own type (a socket timeout): nothing was sent.
    assertThat(
            SesErrors.map(
                "send",
                SdkClientException.builder()
                    .message("connect timed out")
                    .cause(new ConnectTimeoutException("Connect to email.us-east-1 timed out"))
                    .build()))
        .isInstanceOf(ProviderException.Transient.class);
    // No credentials to sign with: nothing was sent.
    assertThat(
            SesErrors.map(
                "send",
                SdkClientException.create(
                    "Unable to load credentials from any of the providers in the chain")))
        .isInstanceOf(ProviderException.Transient.class);
    // The request went out and its answer did not come back: SES may have sent it.
    assertThat(
            SesErrors.map(
                "send",
                SdkClientException.builder()
                    .message("read timed out")
                    .cause(new SocketTimeoutException("Read timed out"))
                    .build()))
        .isInstanceOf(ProviderException.Unconfirmed.class);
  }

  /** Named as Apache HttpClient 5's, whose connect timeout is a socket timeout too. */
  private static final class ConnectTimeoutException extends SocketTimeoutException {
    ConnectTimeoutException(String message) {
      super(message);
    }
  }

  private static SesV2Exception serviceError(int status) {
    return (SesV2Exception)
        SesV2Exception.builder()
            .statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorMessage("status " + status).build())
            .build();
  }

  private static SesV2Client client(URI endpoint) {
    return SesV2Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }
}
