package dev.mailroom.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import reactor.core.publisher.Mono;

/** The operator's configured admin key, compared in constant time. */
final class AdminKeyAuthenticationManager implements ReactiveAuthenticationManager {
  static final String ADMIN = "ROLE_ADMIN";

  private final byte[] adminKey;

  AdminKeyAuthenticationManager(String adminKey) {
    this.adminKey = adminKey.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Mono<Authentication> authenticate(Authentication authentication) {
    String presented = ((BearerCredentials) authentication).value();
    if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), adminKey)) {
      return Mono.error(new BadCredentialsException("A valid admin key is required"));
    }
    return Mono.just(
        UsernamePasswordAuthenticationToken.authenticated(
            "admin", null, List.of(new SimpleGrantedAuthority(ADMIN))));
  }
}
