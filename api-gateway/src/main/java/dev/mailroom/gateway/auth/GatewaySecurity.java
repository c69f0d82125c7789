package dev.mailroom.gateway.auth;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.error.ErrorCode;
import dev.mailroom.gateway.ratelimit.RateLimitFilter;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy;
import dev.mailroom.runtime.config.LogContextKeys;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import dev.mailroom.store.token.ApiTokenRepository;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerResolver;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import reactor.util.context.Context;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what. The rules match paths with the same {@code PathPattern} matching the router
 * uses (decoded, without {@code ;} parameters, case-sensitive), so a rule and the route it guards
 * cannot disagree about a request; in front of both, the strict firewall refuses paths that are not
 * in normal form ({@code ;}, encoded {@code /} {@code .} {@code %}, {@code //}, {@code /./}, {@code
 * /../}, backslashes, control characters) with 400.
 *
 * <p>{@code /admin/**} and every actuator endpoint but the two probes take the admin key; {@code
 * /api/**}, {@code /v1/**}, {@code /mailboxes/**} and {@code /inboxes/**} take an API token; the
 * API documents are public. Any other path is let through to the router, which has no route for it
 * and answers 404: {@code RouteSecurityTest} walks every route the gateway serves, so a route added
 * outside these prefixes fails the build instead of going out unguarded.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class GatewaySecurity {
  private static final Logger log = LoggerFactory.getLogger(GatewaySecurity.class);

  static final String[] ADMIN_PATHS = {"/admin", "/admin/**", "/actuator", "/actuator/**"};
  static final String[] TOKEN_PATHS = {"/api/**", "/v1/**", "/mailboxes/**", "/inboxes/**"};
  static final String[] PROBES = {"/actuator/health/liveness", "/actuator/health/readiness"};

  /**
   * With {@code management.server.port} set, the actuator is served on that port alone, which the
   * deployment keeps off the Service (Prometheus and the kubelet reach it on the pod): requests to
   * it pass without credentials. The firewall still applies.
   */
  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  SecurityWebFilterChain managementPortChain(
      ServerHttpSecurity http, @Value("${management.server.port:-1}") int managementPort) {
    ServerWebExchangeMatcher onManagementPort =
        exchange -> {
          var local = exchange.getRequest().getLocalAddress();
          return managementPort > 0 && local != null && local.getPort() == managementPort
              ? ServerWebExchangeMatcher.MatchResult.match()
              : ServerWebExchangeMatcher.MatchResult.notMatch();
        };
    return http.securityMatcher(onManagementPort)
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
        .build();
  }

  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  SecurityWebFilterChain gatewaySecurityChain(
      ServerHttpSecurity http,
      ReactiveAuthenticationManagerResolver<ServerWebExchange> managers,
      SlidingWindowRateLimiter limiter,
      List<RateLimitPolicy> rateLimitPolicies,
      JsonMapper json,
      Clock clock) {
    // Not a bean: WebFlux would also run every WebFilter bean outside this chain, counting twice.
    RateLimitFilter rateLimits = new RateLimitFilter(rateLimitPolicies, limiter, json, clock);
    ServerWebExchangeMatcher adminPaths = ServerWebExchangeMatchers.pathMatchers(ADMIN_PATHS);
    ServerAuthenticationEntryPoint entryPoint =
        (exchange, e) ->
            adminPaths
                .matches(exchange)
                .flatMap(
                    admin ->
                        ApiErrorWriter.write(
                            exchange,
                            ErrorCode.UNAUTHORIZED,
                            e instanceof BadCredentialsException
                                ? e.getMessage()
                                : admin.isMatch()
                                    ? "A valid admin key is required"
                                    : "Missing bearer token"));
    ServerAccessDeniedHandler denied =
        (exchange, e) ->
            ApiErrorWriter.write(
                exchange, ErrorCode.FORBIDDEN, "Not allowed for these credentials");

    AuthenticationWebFilter bearer = new AuthenticationWebFilter(managers);
    bearer.setRequiresAuthenticationMatcher(
        ServerWebExchangeMatchers.pathMatchers(concat(ADMIN_PATHS, TOKEN_PATHS)));
    bearer.setServerAuthenticationConverter(
        exchange -> BearerCredentials.from(exchange).cast(Authentication.class));
    bearer.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
    bearer.setAuthenticationFailureHandler(
        new ServerAuthenticationEntryPointFailureHandler(entryPoint));
    bearer.setAuthenticationSuccessHandler(
        (filterExchange, authentication) -> {
          ServerWebExchange exchange = filterExchange.getExchange();
          if (!(authentication.getPrincipal() instanceof Caller caller)) {
            return filterExchange.getChain().filter(exchange);
          }
          exchange.getAttributes().put(Caller.ATTRIBUTE, caller);
          // Every log line of the request names its tenant and request id (as the correlation
          // id its commands carry).
          return filterExchange
              .getChain()
              .filter(exchange)
              .contextWrite(
                  Context.of(
                      LogContextKeys.TENANT,
                      caller.tenantId(),
                      LogContextKeys.CORRELATION,
                      exchange.getRequest().getId()));
        });

    return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
        // After authorization, so it counts only authorized requests and keys on the caller's
        // token and the path the router matches.
        .addFilterAfter(rateLimits, SecurityWebFiltersOrder.AUTHORIZATION)
        .exceptionHandling(
            handling -> handling.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
        .authorizeExchange(
            exchanges ->
                exchanges
                    .pathMatchers(PROBES)
                    .permitAll()
                    .pathMatchers(ADMIN_PATHS)
                    .hasAuthority(AdminKeyAuthenticationManager.ADMIN)
                    .pathMatchers(TOKEN_PATHS)
                    .hasAuthority(ApiTokenAuthenticationManager.TOKEN)
                    .anyExchange()
                    .permitAll())
        .build();
  }

  /** The admin key on admin paths, an API token on the API: neither is accepted for the other. */
  @Bean
  ReactiveAuthenticationManagerResolver<ServerWebExchange> gatewayAuthenticationManagers(
      GatewayProperties properties, ApiTokenRepository tokens, Clock clock) {
    LogContextKeys.registerWithContextPropagation();
    ReactiveAuthenticationManager admin = new AdminKeyAuthenticationManager(properties.adminKey());
    ReactiveAuthenticationManager token = new ApiTokenAuthenticationManager(tokens, clock);
    ServerWebExchangeMatcher adminPaths = ServerWebExchangeMatchers.pathMatchers(ADMIN_PATHS);
    return exchange -> adminPaths.matches(exchange).map(match -> match.isMatch() ? admin : token);
  }

  /** Explicit, so that no default can loosen it. */
  @Bean
  ServerWebExchangeFirewall strictFirewall() {
    StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
    // Normalization is the client's business; a path that still holds these segments is a probe.
    firewall.getDecodedUrlBlocklist().add("/./");
    firewall.getDecodedUrlBlocklist().add("/../");
    return firewall;
  }

  /** A refused path is a client error: 400 in the gateway's error shape, one log line. */
  @Bean
  ServerExchangeRejectedHandler rejectedExchanges() {
    return (exchange, e) -> {
      // The reason may quote the offending characters; keep the log line one line.
      log.info(
          "Refused request {}: {}",
          exchange.getRequest().getMethod(),
          String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", "?"));
      return ApiErrorWriter.write(
          exchange, ErrorCode.INVALID_REQUEST, "Request path is not allowed");
    };
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
