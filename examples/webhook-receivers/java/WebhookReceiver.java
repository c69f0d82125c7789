// A Mailroom webhook receiver that verifies Standard Webhooks signatures, with the JDK alone.
//
//   MAILROOM_WEBHOOK_SECRET=whsec_... PORT=9000 java WebhookReceiver.java
//
// Subscribe http://localhost:9000/hooks (the quick start allows localhost receivers).
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class WebhookReceiver {
  // Older or newer deliveries are refused, so a captured request cannot be replayed later.
  static final long TOLERANCE_SECONDS = 5 * 60;

  // UTF-8 whatever the terminal's locale: subjects and names are not ASCII.
  static final PrintStream OUT =
      new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

  // Retries carry the same webhook-id: remember recent ones so an event is handled once.
  static final Set<String> SEEN =
      Collections.newSetFromMap(
          new LinkedHashMap<String, Boolean>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > 10_000;
            }
          });

  public static void main(String[] args) throws IOException {
    String secret = System.getenv("MAILROOM_WEBHOOK_SECRET");
    if (secret == null || !secret.startsWith("whsec_")) {
      System.err.println("Set MAILROOM_WEBHOOK_SECRET to the whsec_ secret shown at subscription");
      System.exit(2);
    }
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "9000"));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/", exchange -> handle(exchange, key));
    server.start();
    OUT.println("ready on port " + port);
  }

  static void handle(HttpExchange exchange, byte[] key) throws IOException {
    // Verify the raw bytes: parsing and re-serializing JSON would change what was signed.
    byte[] body = exchange.getRequestBody().readAllBytes();
    String id = exchange.getRequestHeaders().getFirst("webhook-id");
    String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
    String signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
    if (id == null || timestamp == null || signatures == null) {
      answer(exchange, 400, "refused: missing webhook headers");
      return;
    }
    long sentAt;
    try {
      sentAt = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      answer(exchange, 400, "refused: bad webhook-timestamp");
      return;
    }
    if (Math.abs(Instant.now().getEpochSecond() - sentAt) > TOLERANCE_SECONDS) {
      answer(exchange, 401, "refused: timestamp outside tolerance");
      return;
    }
    byte[] expected = hmac(key, id + "." + timestamp + "." + new String(body, StandardCharsets.UTF_8));
    // While a secret rotates the header carries one signature per secret, space-separated.
    boolean valid = false;
    for (String candidate : signatures.split(" ")) {
      if (candidate.startsWith("v1,")) {
        byte[] given;
        try {
          given = Base64.getDecoder().decode(candidate.substring(3));
        } catch (IllegalArgumentException e) {
          continue;
        }
        valid |= MessageDigest.isEqual(expected, given); // constant time
      }
    }
    if (!valid) {
      answer(exchange, 401, "refused: invalid signature");
      return;
    }
    boolean first;
    synchronized (SEEN) {
      first = SEEN.add(id);
    }
    String json = new String(body, StandardCharsets.UTF_8);
    // A real receiver parses the JSON here ({"type", "timestamp", "data"}) and queues the work.
    answer(exchange, 204, (first ? "verified " : "duplicate ") + id + " " + json);
  }

  static byte[] hmac(byte[] key, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void answer(HttpExchange exchange, int status, String logLine) throws IOException {
    OUT.println(logLine);
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }
}
