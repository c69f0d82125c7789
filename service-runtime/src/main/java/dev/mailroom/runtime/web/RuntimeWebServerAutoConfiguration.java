package dev.mailroom.runtime.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import reactor.netty.http.server.HttpServer;

/** How every service's HTTP server (the gateway's API, each worker's actuator) is set up. */
@AutoConfiguration
@ConditionalOnClass(HttpServer.class)
public class RuntimeWebServerAutoConfiguration {

  /** See {@link KeepAliveReads}: a keep-alive connection keeps reading after a quick answer. */
  @Bean
  KeepAliveReads keepAliveReads() {
    return new KeepAliveReads();
  }
}
