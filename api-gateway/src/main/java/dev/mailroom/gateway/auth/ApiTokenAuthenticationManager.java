package dev.mailroom.gateway.auth;

import dev.mailroom.store.token.ApiTokenRepository;
import java.time.Clock;
import java.util.List;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import reactor.core.publisher.Mono;

/**
 * An API token, looked up by its hash on every request: nothing is cached, so a revocation or an
 * expiry takes effect on every gateway replica at the next request.
 */
final class ApiTokenAuthenticationManager implements ReactiveAuthenticationManager {
  static final String TOKEN = "ROLE_TOKEN";

  private final ApiTokenRepository tokens;
  private final Clock clock;

  ApiTokenAuthenticationManager(ApiTokenRepository tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  public Mono<Authentication> authenticate(Authentication authentication) {
    String presented = ((BearerCredentials) authentication).value();
    return tokens
        .findActiveByToken(presented)
        .filter(token -> token.usableAt(clock.instant()))
        .switchIfEmpty(
            Mono.error(() -> new BadCredentialsException("Invalid, expired or revoked token")))
        .map(
            token ->
                UsernamePasswordAuthenticationToken.authenticated(
                    new Caller(token), null, List.of(new SimpleGrantedAuthority(TOKEN))));
  }
}
