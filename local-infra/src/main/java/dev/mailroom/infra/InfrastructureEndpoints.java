package dev.mailroom.infra;

/**
 * Where a service finds its infrastructure. The same record describes embedded servers and
 * containers, so a test does not know (or care) which it got.
 */
public record InfrastructureEndpoints(
    String kafkaBootstrapServers, String mongoUri, S3Endpoint s3, MailServerEndpoint mail) {

  public record S3Endpoint(String endpoint, String region, String accessKey, String secretKey) {}

  public record MailServerEndpoint(String host, int smtpPort, int imapPort) {
    public String smtp() {
      return host + ":" + smtpPort;
    }

    public String imap() {
      return host + ":" + imapPort;
    }
  }
}
