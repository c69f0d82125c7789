package dev.mailroom.benchmarks.faults;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subscriber that answers 200 and counts each {@code webhook-id} it is given, with the message
 * the event is about; it can go away (connections refused) and come back on the same port.
 */
final class WebhookReceiver implements AutoCloseable {
  private static final Pattern MESSAGE_ID = Pattern.compile("msg_[0-9a-f]{32}");

  final Map<String, AtomicInteger> timesByWebhookId = new ConcurrentHashMap<>();
  final Map<String, String> messageByWebhookId = new ConcurrentHashMap<>();
  private final String host;
  private final int port;
  private HttpServer server;

  WebhookReceiver(String host, int port) {
    this.host = host;
    this.port = port;
  }

  String url() {
    return "http://" + host + ":" + port + "/hooks";
  }

  void start() {
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/hooks",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String id = exchange.getRequestHeaders().getFirst("webhook-id");
          if (id != null) {
            timesByWebhookId.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            Matcher message = MESSAGE_ID.matcher(body);
            if (message.find()) {
              messageByWebhookId.putIfAbsent(id, message.group());
            }
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
