package dev.mailroom.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayApplication;
import dev.mailroom.gateway.RawHttp;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.runtime.config.MailroomServices;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With {@code management.server.port} set (as the Kubernetes manifests do), the actuator lives on
 * that port only, where Prometheus scrapes it without credentials; the API port has no actuator.
 */
@WithMailroomInfrastructure
class ManagementPortTest {
  @Test
  void metricsAndProbesMoveToTheManagementPort(TestInfrastructure infrastructure) throws Exception {
    int managementPort;
    try (ServerSocket free = new ServerSocket(0)) {
      managementPort = free.getLocalPort();
    }
    List<String> args = new ArrayList<>();
    infrastructure.springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
    args.add("--server.port=0");
    args.add("--management.server.port=" + managementPort);
    args.add("--spring.main.banner-mode=off");
    args.add(
        "--mailroom.security.credential-key=" + Base64.getEncoder().encodeToString(new byte[32]));
    args.add("--mailroom.gateway.admin-key=management-port-admin-key-0123456789");
    args.add("--mailroom.kafka.partitions=2");
    ConfigurableApplicationContext context =
        MailroomServices.builder(GatewayApplication.class, GatewayApplication.SERVICE_NAME)
            .run(args.toArray(String[]::new));
    // Closed with the JVM, not here: closing a context disposes Reactor Netty's global event
    // loops, which the shared gateway of the other test classes in this JVM serves on.
    Runtime.getRuntime().addShutdownHook(new Thread(context::close));
    {
      int apiPort = ((WebServerApplicationContext) context).getWebServer().getPort();
      RawHttp api = new RawHttp(new InetSocketAddress("127.0.0.1", apiPort));
      RawHttp management = new RawHttp(new InetSocketAddress("127.0.0.1", managementPort));

      var metrics = management.call("GET", "/actuator/prometheus", null, null);
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.body()).contains("jvm_memory_used_bytes");
      assertThat(management.call("GET", "/actuator/health/liveness", null, null).status())
          .isEqualTo(200);

      for (String path : List.of("/actuator/prometheus", "/actuator/health/liveness")) {
        assertThat(api.call("GET", path, null, null).status()).as(path).isIn(401, 404);
      }
      assertThat(
              api.call("GET", "/actuator/prometheus", "management-port-admin-key-0123456789", null)
                  .status())
          .isEqualTo(404);
    }
  }
}
