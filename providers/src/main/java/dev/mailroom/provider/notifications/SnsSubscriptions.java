package dev.mailroom.provider.notifications;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Confirms the SNS subscriptions Mailroom is offered: SNS's first message to a new subscriber
 * carries a URL, and visiting it is the confirmation. Only for a message {@link SnsMessageVerifier}
 * has verified, so the URL is one SNS signed.
 */
public final class SnsSubscriptions {
  private final HttpClient http;
  private final Duration timeout;

  public SnsSubscriptions(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Visits the confirmation's {@code SubscribeURL}.
   *
   * @throws IOException when SNS could not be reached or did not answer 2xx: SNS offers again when
   *     it is not confirmed
   */
  public void confirm(SnsMessage verified) throws IOException, InterruptedException {
    if (!verified.isSubscriptionConfirmation() || verified.subscribeUrl() == null) {
      throw new IllegalArgumentException("Not a subscription confirmation: " + verified.type());
    }
    HttpResponse<Void> response =
        http.send(
            HttpRequest.newBuilder(URI.create(verified.subscribeUrl())).timeout(timeout).build(),
            HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("SNS answered the confirmation with " + response.statusCode());
    }
  }
}
