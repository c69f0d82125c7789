package dev.mailroom.gateway.admin;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.gateway.error.ErrorCode;
import dev.mailroom.provider.login.LoginOutcome;
import dev.mailroom.provider.login.MailLoginCheck;
import dev.mailroom.provider.login.PasswordLogin;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.ServerEndpoint;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Logs in to a mailbox before the admin API stores its credentials (ADR 15), so that a wrong
 * password is a 422 at once instead of a {@code 201 active} that turns {@code reauth_required} ten
 * seconds later. Only a server's refusal is reported as refused; a server that cannot be reached or
 * does not answer in time is a 502/504, since the credentials may well be right.
 */
@Component
public class MailboxLogins {
  public static final String REFUSED = ErrorCode.MAILBOX_LOGIN_REFUSED.name();
  public static final String UNREACHABLE = ErrorCode.MAIL_SERVER_UNREACHABLE.name();

  private final MailLoginCheck check;
  private final Duration timeout;

  public MailboxLogins(GatewayProperties properties) {
    this.timeout = properties.mailLoginTimeout();
    this.check = new MailLoginCheck(timeout);
  }

  /** Completes empty when both servers accept the login; else fails with the answer to give. */
  public Mono<Void> verify(String address, ImapSmtpSettings settings, String password) {
    PasswordLogin login =
        new PasswordLogin(
            address,
            settings.username(),
            password,
            server(settings.imap()),
            server(settings.smtp()));
    return Mono.fromCallable(() -> check.check(login))
        // Socket I/O blocks.
        .subscribeOn(Schedulers.boundedElastic())
        // Each connect and read is bounded by the timeout; two servers and a TLS handshake are
        // bounded together by about twice that.
        .timeout(timeout.multipliedBy(2).plusSeconds(1))
        .onErrorMap(
            TimeoutException.class,
            e -> unreachable(HttpStatus.GATEWAY_TIMEOUT, "The mail servers did not answer in time"))
        .flatMap(MailboxLogins::answer);
  }

  private static Mono<Void> answer(LoginOutcome outcome) {
    return switch (outcome.result()) {
      case ACCEPTED -> Mono.empty();
      case REFUSED ->
          Mono.error(
              new ApiException(
                  ErrorCode.MAILBOX_LOGIN_REFUSED,
                  "The "
                      + outcome.protocol().toUpperCase(java.util.Locale.ROOT)
                      + " server refused the login: "
                      + outcome.detail()));
      case TIMED_OUT ->
          Mono.error(
              unreachable(
                  HttpStatus.GATEWAY_TIMEOUT,
                  "The "
                      + outcome.protocol().toUpperCase(java.util.Locale.ROOT)
                      + " server did not answer in time: "
                      + outcome.detail()));
      case UNREACHABLE ->
          Mono.error(
              unreachable(
                  HttpStatus.BAD_GATEWAY,
                  "The "
                      + outcome.protocol().toUpperCase(java.util.Locale.ROOT)
                      + " server could not be reached: "
                      + outcome.detail()));
    };
  }

  private static ApiException unreachable(HttpStatus status, String message) {
    // The one code answered with two statuses: 502 unreachable, 504 no answer in time.
    return new ApiException(status, ErrorCode.MAIL_SERVER_UNREACHABLE.name(), message);
  }

  private static PasswordLogin.Server server(ServerEndpoint endpoint) {
    return new PasswordLogin.Server(endpoint.host(), endpoint.port(), endpoint.security());
  }
}
