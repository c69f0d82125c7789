package dev.mailroom.runtime.kafka;

import java.util.HashSet;
import java.util.Set;

/**
 * Tells a failure of Mailroom's own infrastructure being away (MongoDB, S3 or Kafka unreachable,
 * timing out, or answering 5xx) from a failure of the record itself. The first heals by waiting,
 * for every record alike, so it is retried for a window long enough to ride out a restart; the
 * second is retried briefly and then dead-lettered, so one bad record does not hold its partition.
 *
 * <p>A failure of a tenant's own mail server counts as the record's own, however it came about.
 *
 * <p>Matched by class name through each cause's class hierarchy, so a service needs none of these
 * clients on its class path.
 */
public final class InfrastructureOutages {
  private static final Set<String> OUTAGES =
      Set.of(
          // MongoDB driver: no server reachable, or a socket that broke or timed out.
          "com.mongodb.MongoSocketException",
          "com.mongodb.MongoTimeoutException",
          "com.mongodb.MongoNotPrimaryException",
          "com.mongodb.MongoNodeIsRecoveringException",
          // Spring's translation of the same.
          "org.springframework.dao.DataAccessResourceFailureException",
          "org.springframework.dao.TransientDataAccessException",
          // AWS SDK: the request never got an answer (connection refused, reset, timed out).
          "software.amazon.awssdk.core.exception.SdkClientException",
          "software.amazon.awssdk.core.exception.ApiCallTimeoutException",
          "software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException",
          // Kafka: a broker away while an event is published.
          "org.apache.kafka.common.errors.RetriableException",
          "org.apache.kafka.common.errors.TimeoutException",
          "dev.mailroom.runtime.kafka.KafkaUnavailableException",
          // Plain sockets.
          "java.net.ConnectException",
          "java.net.SocketTimeoutException",
          "java.net.NoRouteToHostException",
          "java.util.concurrent.TimeoutException");

  /**
   * A tenant's mail server failing, whatever it wraps (a refused connection, a timed-out read): the
   * walk stops there, so that one tenant's unreachable server is retried as that record's own
   * failure and does not hold every mailbox behind it for the outage window.
   */
  private static final Set<String> PROVIDER_FAILURES =
      Set.of("dev.mailroom.provider.spi.ProviderException");

  private static final String S3_SERVICE_EXCEPTION =
      "software.amazon.awssdk.awscore.exception.AwsServiceException";

  private InfrastructureOutages() {}

  public static boolean isOutage(Throwable failure) {
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (isA(t, PROVIDER_FAILURES)) {
        return false;
      }
      if (blockTimedOut(t) || serverError(t) || isA(t, OUTAGES)) {
        return true;
      }
    }
    return false;
  }

  /** Reactor's {@code block(Duration)} that ran out: the store did not answer in time. */
  private static boolean blockTimedOut(Throwable t) {
    return t instanceof IllegalStateException
        && t.getMessage() != null
        && t.getMessage().startsWith("Timeout on blocking read");
  }

  /** S3 (or another AWS service) answering 5xx: up, but not serving right now. */
  private static boolean serverError(Throwable t) {
    if (!isA(t, Set.of(S3_SERVICE_EXCEPTION))) {
      return false;
    }
    try {
      Object status = t.getClass().getMethod("statusCode").invoke(t);
      return status instanceof Integer code && code >= 500;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /** Whether {@code t}'s class or one of its superclasses has one of these names. */
  private static boolean isA(Throwable t, Set<String> names) {
    for (Class<?> type = t.getClass(); type != null; type = type.getSuperclass()) {
      if (names.contains(type.getName())) {
        return true;
      }
    }
    return false;
  }
}
