package dev.mailroom.webhook.delivery;

import dev.mailroom.model.webhook.RefusedTargetException;
import dev.mailroom.model.webhook.TargetAddressPolicy;
import dev.mailroom.webhook.config.WebhookDeliveryProperties;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * POSTs webhook bodies. Non-blocking, so a hanging subscriber holds a connection and not a thread.
 * Every new connection resolves its host through the {@link TargetAddressPolicy}, so the address
 * checked is the address connected to (DNS rebinding cannot slip past). Redirects are never
 * followed, nothing is retried here (the schedule does that), no cookies are kept, and the response
 * body is discarded unread.
 */
public class WebhookHttpClient implements AutoCloseable {
  private final CloseableHttpAsyncClient client;
  private final ScheduledExecutorService deadlines;
  private final Duration timeout;
  private final Clock clock;

  public WebhookHttpClient(
      WebhookDeliveryProperties properties, TargetAddressPolicy policy, Clock clock) {
    this.timeout = properties.timeout();
    this.clock = clock;
    DnsResolver resolver =
        new DnsResolver() {
          @Override
          public InetAddress[] resolve(String host) throws UnknownHostException {
            try {
              return policy.resolve(host).toArray(InetAddress[]::new);
            } catch (RefusedTargetException e) {
              throw new RefusedAddressException(e.getMessage());
            }
          }

          @Override
          public String resolveCanonicalHostname(String host) {
            return host;
          }
        };
    Timeout whole = Timeout.of(properties.timeout());
    this.client =
        HttpAsyncClients.custom()
            .setConnectionManager(
                PoolingAsyncClientConnectionManagerBuilder.create()
                    .setDnsResolver(resolver)
                    .setMaxConnTotal(properties.maxConnections())
                    // Per-endpoint fairness is the dispatcher's lanes' job, not the pool's.
                    .setMaxConnPerRoute(properties.maxConnections())
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.of(properties.connectTimeout()))
                            .setSocketTimeout(whole)
                            .build())
                    .build())
            .setIOReactorConfig(
                IOReactorConfig.custom()
                    .setIoThreadCount(Math.max(2, Runtime.getRuntime().availableProcessors()))
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setResponseTimeout(whole)
                    .setConnectionRequestTimeout(whole)
                    .build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .setUserAgent("Mailroom-Webhooks/1")
            .build();
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "webhook-deadlines");
              t.setDaemon(true);
              return t;
            });
    client.start();
  }

  /** Completes normally whatever happens; failures are described in the result. */
  public CompletableFuture<AttemptResult> post(URI url, Map<String, String> headers, String body) {
    long started = System.nanoTime();
    CompletableFuture<AttemptResult> result = new CompletableFuture<>();
    SimpleRequestBuilder request =
        SimpleRequestBuilder.post(url).setBody(body, ContentType.APPLICATION_JSON);
    headers.forEach(request::addHeader);
    Future<Message<HttpResponse, Void>> call;
    try {
      call =
          client.execute(
              SimpleRequestProducer.create(request.build()),
              new BasicResponseConsumer<>(new DiscardingEntityConsumer<>()),
              new FutureCallback<>() {
                @Override
                public void completed(Message<HttpResponse, Void> message) {
                  HttpResponse response = message.getHead();
                  result.complete(
                      new AttemptResult(
                          response.getCode(),
                          retryAfter(response.getFirstHeader("Retry-After")),
                          null,
                          millisSince(started)));
                }

                @Override
                public void failed(Exception e) {
                  result.complete(new AttemptResult(null, null, describe(e), millisSince(started)));
                }

                @Override
                public void cancelled() {
                  result.complete(
                      new AttemptResult(
                          null, null, "timed out after " + timeout, millisSince(started)));
                }
              });
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          new AttemptResult(null, null, describe(e), millisSince(started)));
    }
    // The socket timeout bounds silence; this bounds a subscriber that trickles bytes forever.
    deadlines.schedule(() -> call.cancel(true), timeout.toMillis(), TimeUnit.MILLISECONDS);
    return result;
  }

  private Duration retryAfter(Header header) {
    if (header == null) {
      return null;
    }
    String value = header.getValue().trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(clock.instant(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException neither) {
        return null;
      }
    }
  }

  private String describe(Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null
        && !(cause instanceof RefusedAddressException)
        && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause instanceof RefusedAddressException) {
      return "refused target: " + cause.getMessage();
    }
    if (cause instanceof UnknownHostException) {
      return "unknown host: " + cause.getMessage();
    }
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    if (cause instanceof SocketTimeoutException
        || cause instanceof java.util.concurrent.TimeoutException
        || cause instanceof CancellationException) {
      return "timed out after " + timeout;
    }
    if (cause instanceof SSLException) {
      return "TLS: " + cause.getMessage();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  private static long millisSince(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
    client.close(CloseMode.IMMEDIATE);
  }
}
