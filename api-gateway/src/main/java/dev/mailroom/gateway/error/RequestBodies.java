package dev.mailroom.gateway.error;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * How request bodies are read, in every route family: no larger than the route allows (413 before a
 * byte is decoded when the length is declared, as soon as the limit is passed when it is not), and
 * strictly: a field the request does not define is refused with 400 {@code UNKNOWN_FIELD} rather
 * than ignored, so a misspelt {@code attachmentz} is not silently sent without attachments.
 * Strictness applies to request bodies only: answers, stored documents and Kafka records keep their
 * own lenient mappers.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RequestBodyProperties.class)
public class RequestBodies {
  /** The routes whose bodies carry attachments as base64. */
  static final List<PathPattern> MESSAGE_ROUTES =
      List.of(
          PathPatternParser.defaultInstance.parse("/api/access/email/messages/send"),
          PathPatternParser.defaultInstance.parse("/api/access/email/messages/{emailId}/reply"),
          PathPatternParser.defaultInstance.parse("/mailboxes/{emailAddress}/messages"),
          PathPatternParser.defaultInstance.parse("/inboxes/{inboxId}/messages/send"),
          PathPatternParser.defaultInstance.parse("/inboxes/{inboxId}/messages/{messageId}/reply"));

  /**
   * SNS's notifications: a message of up to 256 KB, escaped again inside SNS's own JSON (an SES
   * receipt's SNS action carries the mail in it), which the ordinary limit could refuse.
   */
  static final PathPattern SNS_ROUTE =
      PathPatternParser.defaultInstance.parse("/providers/ses/notifications");

  static final long SNS_BODY_LIMIT = 1024 * 1024;

  /** After Boot's own Jackson customizer, so its decoder is the one replaced. */
  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  CodecCustomizer strictRequestJson(JsonMapper mapper, RequestBodyProperties limits) {
    JsonMapper strict =
        mapper.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    return configurer -> {
      JacksonJsonDecoder decoder = new JacksonJsonDecoder(strict);
      decoder.setMaxInMemorySize(limits.decoderLimit());
      configurer.defaultCodecs().jacksonJsonDecoder(decoder);
      configurer.defaultCodecs().maxInMemorySize(limits.decoderLimit());
    };
  }

  @Bean
  WebFilter requestBodyLimit(RequestBodyProperties limits) {
    return new BodyLimitFilter(limits);
  }

  /**
   * Runs after the security chain (which is ordered first), so an unauthenticated client is told
   * 401, not how large a body may be.
   */
  static final class BodyLimitFilter implements WebFilter, Ordered {
    private final RequestBodyProperties limits;

    BodyLimitFilter(RequestBodyProperties limits) {
      this.limits = limits;
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE - 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
      ServerHttpRequest request = exchange.getRequest();
      long limit = limitFor(request);
      long declared = request.getHeaders().getContentLength();
      if (declared > limit) {
        return ErrorResponses.write(exchange, ErrorCode.PAYLOAD_TOO_LARGE, tooLarge(limit));
      }
      if (declared >= 0 || request.getMethod() == HttpMethod.GET) {
        return chain.filter(exchange);
      }
      // No declared length (chunked): count while the body is read.
      ServerHttpRequest counted =
          new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
              AtomicLong read = new AtomicLong();
              return super.getBody()
                  .handle(
                      (buffer, sink) -> {
                        if (read.addAndGet(buffer.readableByteCount()) > limit) {
                          org.springframework.core.io.buffer.DataBufferUtils.release(buffer);
                          sink.error(new PayloadTooLarge(tooLarge(limit)));
                        } else {
                          sink.next(buffer);
                        }
                      });
            }
          };
      return chain.filter(exchange.mutate().request(counted).build());
    }

    private long limitFor(ServerHttpRequest request) {
      PathContainer path = request.getPath().pathWithinApplication();
      if (SNS_ROUTE.matches(path)) {
        return SNS_BODY_LIMIT;
      }
      boolean message =
          request.getMethod() == HttpMethod.POST
              && MESSAGE_ROUTES.stream().anyMatch(pattern -> pattern.matches(path));
      return (message ? limits.maxMessageBodySize() : limits.maxBodySize()).toBytes();
    }

    private static String tooLarge(long limit) {
      return "The request body is larger than this route accepts (" + limit + " bytes)";
    }
  }

  /** A body passed its limit while being read; answered 413 by {@link ApiErrorHandler}. */
  static final class PayloadTooLarge extends ResponseStatusException {
    PayloadTooLarge(String reason) {
      super(ErrorCode.PAYLOAD_TOO_LARGE.status(), reason);
    }
  }
}
