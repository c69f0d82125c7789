package dev.mailroom.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What a worker sees when MongoDB, S3 or Kafka is away, as opposed to a record's own fault. */
class InfrastructureOutagesTest {

  private static Throwable asTheListenerThrowsIt(Throwable cause) {
    return new ListenerExecutionFailedException(
        "Listener failed", new IllegalStateException(cause));
  }

  @Test
  void serversAwayAreOutagesHoweverDeeplyWrapped() {
    assertThat(
            InfrastructureOutages.isOutage(
                asTheListenerThrowsIt(
                    new MongoSocketOpenException(
                        "Exception opening socket", new ServerAddress("localhost", 27017)))))
        .isTrue();
    assertThat(InfrastructureOutages.isOutage(new MongoTimeoutException("no server selected")))
        .isTrue();
    assertThat(
            InfrastructureOutages.isOutage(
                new DataAccessResourceFailureException("down", new ConnectException())))
        .isTrue();
    assertThat(
            InfrastructureOutages.isOutage(
                asTheListenerThrowsIt(
                    new CompletionException(
                        SdkClientException.create("Unable to execute HTTP request")))))
        .isTrue();
    assertThat(
            InfrastructureOutages.isOutage(
                S3Exception.builder().statusCode(503).message("Slow Down").build()))
        .isTrue();
  }

  @Test
  void aBlockingReadThatTimedOutIsAnOutage() {
    Throwable timedOut = catchThrowable(() -> Mono.never().block(Duration.ofMillis(10)));
    assertThat(InfrastructureOutages.isOutage(asTheListenerThrowsIt(timedOut))).isTrue();
  }

  @Test
  void aRecordsOwnFaultIsNot() {
    assertThat(InfrastructureOutages.isOutage(new IllegalArgumentException("bad address")))
        .isFalse();
    assertThat(InfrastructureOutages.isOutage(NoSuchKeyException.builder().statusCode(404).build()))
        .isFalse();
    assertThat(InfrastructureOutages.isOutage(asTheListenerThrowsIt(new NullPointerException())))
        .isFalse();
  }
}
