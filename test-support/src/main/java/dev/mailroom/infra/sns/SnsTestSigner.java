package dev.mailroom.infra.sns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Plays Amazon SNS for tests of an HTTP(S) subscriber: it signs messages the way SNS documents it,
 * serves the signing certificates from a loopback HTTP server, and records the subscription
 * confirmations a subscriber makes by visiting a {@code SubscribeURL}.
 *
 * <p>Its own PKI stands in for Amazon's: a root CA (the only thing a verifier under test should
 * trust), an intermediate CA, and a leaf named {@value #SNS_SUBJECT} that signs. The certificate
 * file holds the leaf then the intermediate, so a verifier has to build a chain. Like Amazon's,
 * every leaf names where its issuer's certificate is published (the {@code caIssuers} URL of its
 * Authority Information Access), and the server publishes it there in DER; {@link
 * #leafOnlyCertUrl()} and {@link #serveLeafOnly} serve the leaf alone, as SNS may, so that a
 * verifier has to fetch the intermediate from there. Other identities exist only to be refused: a
 * leaf of the same name under an impostor root, a leaf with another name, an expired leaf, and a
 * leaf that names the genuine intermediate as its issuer without having been signed by it. Each
 * identity has its own key and certificate URL.
 *
 * <p>Messages are built with {@link #notification}, {@link #subscriptionConfirmation} or {@link
 * #unsubscribeConfirmation}; the builder can sign with either signature version, at a given time,
 * as another identity, or change a field after signing.
 */
public final class SnsTestSigner implements AutoCloseable {
  /** The name SNS's signing certificates carry. */
  public static final String SNS_SUBJECT = "sns.amazonaws.com";

  /** A name that a verifier expecting {@value #SNS_SUBJECT} must refuse. */
  public static final String OTHER_SUBJECT = "sns.example.com";

  private static final String PEM_PATH_PREFIX = "/SimpleNotificationService-";
  private static final String LEAF_ONLY_SUFFIX = "-leaf.pem";
  private static final String ISSUER_PATH_PREFIX = "/issuer/";
  private static final String CONFIRM_PATH = "/confirm";
  private static final DateTimeFormatter SNS_TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final HttpServer server;
  private final ExecutorService executor;
  private final String baseUrl;
  private final X509Certificate root;
  private final X509Certificate impostorRoot;
  private final Identity genuine;
  private final Identity impostor;
  private final Identity otherSubject;
  private final Identity expired;
  private final Identity impostorUnderIntermediate;
  private final Map<String, byte[]> pems = new ConcurrentHashMap<>();
  private final Map<String, byte[]> leafPems = new ConcurrentHashMap<>();
  private final Map<String, byte[]> issuerCertificates = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> confirmedTokens = new CopyOnWriteArrayList<>();
  private volatile int certificateStatus = 200;
  private volatile int issuerStatus = 200;
  private volatile boolean leafOnly;

  /**
   * A key and the certificate chain a verifier downloads for it.
   *
   * @param certUrl where the server serves {@code chain} as PEM (the leaf alone while {@link
   *     #serveLeafOnly} is on)
   * @param chain leaf first
   */
  public record Identity(
      String name, PrivateKey privateKey, List<X509Certificate> chain, String certUrl) {
    public X509Certificate leaf() {
      return chain.get(0);
    }
  }

  /** Starts the certificate server on 127.0.0.1 at a free port and creates the certificates. */
  public SnsTestSigner() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor = Executors.newCachedThreadPool(r -> daemon(r, "sns-test-signer"));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    try {
      Instant now = Instant.now();
      Instant notBefore = now.minus(Duration.ofDays(1));
      Instant notAfter = now.plus(Duration.ofDays(365));
      KeyPair rootKeys = rsa();
      root =
          certificate(
              "CN=Mailroom Test SNS Root CA",
              rootKeys.getPublic(),
              "CN=Mailroom Test SNS Root CA",
              rootKeys.getPrivate(),
              true,
              notBefore,
              notAfter.plus(Duration.ofDays(365)),
              null,
              null);
      KeyPair intermediateKeys = rsa();
      X509Certificate intermediate =
          certificate(
              "CN=Mailroom Test SNS Intermediate CA",
              intermediateKeys.getPublic(),
              "CN=Mailroom Test SNS Root CA",
              rootKeys.getPrivate(),
              true,
              notBefore,
              notAfter.plus(Duration.ofDays(180)),
              null,
              null);
      issuerCertificates.put(ISSUER_PATH_PREFIX + "intermediate.cer", intermediate.getEncoded());
      KeyPair impostorKeys = rsa();
      impostorRoot =
          certificate(
              "CN=Mailroom Test SNS Root CA",
              impostorKeys.getPublic(),
              "CN=Mailroom Test SNS Root CA",
              impostorKeys.getPrivate(),
              true,
              notBefore,
              notAfter,
              null,
              null);
      issuerCertificates.put(ISSUER_PATH_PREFIX + "impostor-root.cer", impostorRoot.getEncoded());
      genuine = leaf("genuine", SNS_SUBJECT, intermediate, intermediateKeys, notBefore, notAfter);
      otherSubject =
          leaf("other-subject", OTHER_SUBJECT, intermediate, intermediateKeys, notBefore, notAfter);
      expired =
          leaf(
              "expired",
              SNS_SUBJECT,
              intermediate,
              intermediateKeys,
              now.minus(Duration.ofDays(30)),
              now.minus(Duration.ofDays(1)));
      impostor = leaf("impostor", SNS_SUBJECT, impostorRoot, impostorKeys, notBefore, notAfter);
      // Signed by the impostor root's key, in the genuine intermediate's name.
      impostorUnderIntermediate =
          leaf(
              "impostor-under-intermediate",
              SNS_SUBJECT,
              intermediate,
              impostorKeys,
              notBefore,
              notAfter,
              List.of());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("could not create the test certificates", e);
    }
    server.start();
  }

  /** The identity SNS signs with: a leaf named {@value #SNS_SUBJECT} under {@link #root()}. */
  public Identity genuine() {
    return genuine;
  }

  /** A leaf named {@value #SNS_SUBJECT} whose chain ends at a root nobody trusts. */
  public Identity impostor() {
    return impostor;
  }

  /** A leaf under {@link #root()} named {@value #OTHER_SUBJECT}. */
  public Identity otherSubject() {
    return otherSubject;
  }

  /** A leaf under {@link #root()} named {@value #SNS_SUBJECT} that expired yesterday. */
  public Identity expired() {
    return expired;
  }

  /**
   * A leaf named {@value #SNS_SUBJECT} that names the genuine intermediate as its issuer, and
   * points at its published certificate, but was signed by another key; its file holds the leaf
   * alone.
   */
  public Identity impostorUnderIntermediate() {
    return impostorUnderIntermediate;
  }

  /** The root CA to trust in place of the public CAs that issue Amazon's certificates. */
  public X509Certificate root() {
    return root;
  }

  /**
   * {@link #root()} in a PEM file (deleted when the JVM exits), for code configured with the path
   * of the CAs it trusts.
   */
  public String rootPemFile() {
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("sns-test-root", ".pem");
      file.toFile().deleteOnExit();
      java.nio.file.Files.writeString(
          file,
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(root.getEncoded())
              + "\n-----END CERTIFICATE-----\n");
      return file.toString();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not write the root certificate", e);
    }
  }

  /** An unrelated root with the same name as {@link #root()}; it issued {@link #impostor()}. */
  public X509Certificate impostorRoot() {
    return impostorRoot;
  }

  public Set<TrustAnchor> trustAnchors() {
    return Set.of(new TrustAnchor(root, null));
  }

  /** A key store whose only entry is {@link #root()}, for code configured with a trust store. */
  public KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("sns-test-root", root);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not create the trust store", e);
    }
  }

  /** Where the genuine signing certificate is served. */
  public String certUrl() {
    return genuine.certUrl();
  }

  /**
   * Where the genuine signing certificate is served alone, without the intermediate, whatever
   * {@link #serveLeafOnly} says. The URL matches {@link #certUrlPattern()}.
   */
  public String leafOnlyCertUrl() {
    return leafOnlyUrl(genuine.certUrl());
  }

  private static String leafOnlyUrl(String certUrl) {
    return certUrl.substring(0, certUrl.length() - ".pem".length()) + LEAF_ONLY_SUFFIX;
  }

  /**
   * Makes every certificate URL serve the leaf alone ({@code true}) or the leaf then its
   * intermediate ({@code false}, the default).
   */
  public void serveLeafOnly(boolean on) {
    this.leafOnly = on;
  }

  /** Where the genuine intermediate is published in DER, as the leaves' AIA names it. */
  public String issuerUrl() {
    return baseUrl + ISSUER_PATH_PREFIX + "intermediate.cer";
  }

  /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /**
   * A regular expression that matches the certificate URLs of this server and nothing else, to use
   * in place of the pattern for Amazon's hosts.
   */
  public String certUrlPattern() {
    return "^" + baseUrl.replace(".", "\\.") + "/[^?#]*\\.pem$";
  }

  /**
   * A regular expression that matches the URLs where this server publishes issuer certificates and
   * nothing else, to use in place of the pattern for Amazon's CA hosts.
   */
  public String issuerUrlPattern() {
    return "^" + baseUrl.replace(".", "\\.") + "/issuer/[^?#]*\\.(cer|crt|der|pem)$";
  }

  /** The URL a subscriber visits to confirm the subscription that {@code token} stands for. */
  public String subscribeUrl(String token) {
    return baseUrl
        + CONFIRM_PATH
        + "?Action=ConfirmSubscription&Token="
        + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  /** The tokens of the {@link #subscribeUrl} visits so far, in order. */
  public List<String> confirmedTokens() {
    return List.copyOf(confirmedTokens);
  }

  /** Every GET the server received so far (path and query), in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many times a certificate was requested so far. */
  public long certificateFetches() {
    return requests.stream().filter(r -> r.startsWith(PEM_PATH_PREFIX)).count();
  }

  /** How many times an issuer certificate was requested so far. */
  public long issuerFetches() {
    return requests.stream().filter(r -> r.startsWith(ISSUER_PATH_PREFIX)).count();
  }

  /**
   * Makes the server answer issuer certificate requests with {@code status} and no body; 200 serves
   * them again.
   */
  public void issuerStatus(int status) {
    this.issuerStatus = status;
  }

  /**
   * Makes the server answer certificate requests with {@code status} and no body (e.g. 503 for an
   * outage, 404 for a withdrawn certificate); 200 serves them again.
   */
  public void certificateStatus(int status) {
    this.certificateStatus = status;
  }

  public MessageBuilder notification(String topicArn, String subject, String message) {
    MessageBuilder builder = new MessageBuilder("Notification", topicArn, message);
    if (subject != null) {
      builder.fields.put("Subject", subject);
    }
    builder.fields.put(
        "UnsubscribeURL",
        baseUrl + "/?Action=Unsubscribe&SubscriptionArn=" + encode(topicArn + ":" + uuid()));
    return builder;
  }

  public MessageBuilder subscriptionConfirmation(String topicArn) {
    return confirmation(
        "SubscriptionConfirmation",
        topicArn,
        "You have chosen to subscribe to the topic "
            + topicArn
            + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
  }

  public MessageBuilder unsubscribeConfirmation(String topicArn) {
    return confirmation(
        "UnsubscribeConfirmation",
        topicArn,
        "You have chosen to deactivate subscription "
            + topicArn
            + ":"
            + uuid()
            + ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL"
            + " included in this message.");
  }

  private MessageBuilder confirmation(String type, String topicArn, String message) {
    String token = (uuid() + uuid()).replace("-", "");
    MessageBuilder builder = new MessageBuilder(type, topicArn, message);
    builder.fields.put("Token", token);
    builder.fields.put("SubscribeURL", subscribeUrl(token));
    return builder;
  }

  /** Stops the server; certificate URLs then refuse connections. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * One SNS message, signed when it is rendered. Fields are written in the order SNS writes them.
   */
  public final class MessageBuilder {
    private final Map<String, String> fields = new LinkedHashMap<>();
    private final Map<String, String> tampered = new LinkedHashMap<>();
    private Identity identity = genuine;
    private String signatureVersion = "1";
    private String signingCertUrl;

    private MessageBuilder(String type, String topicArn, String message) {
      fields.put("Type", type);
      fields.put("MessageId", uuid());
      fields.put("TopicArn", topicArn);
      fields.put("Message", message);
      fields.put("Timestamp", SNS_TIMESTAMP.format(Instant.now()));
    }

    /** {@code 1} signs with SHA1withRSA (the SNS default), {@code 2} with SHA256withRSA. */
    public MessageBuilder signatureVersion(int version) {
      if (version != 1 && version != 2) {
        throw new IllegalArgumentException("SNS signature versions are 1 and 2");
      }
      this.signatureVersion = Integer.toString(version);
      return this;
    }

    /** The time SNS says it sent the message, written as SNS writes it (milliseconds, UTC). */
    public MessageBuilder timestamp(Instant timestamp) {
      return timestamp(SNS_TIMESTAMP.format(timestamp));
    }

    /** The {@code Timestamp} field exactly as given, signed as given. */
    public MessageBuilder timestamp(String timestamp) {
      fields.put("Timestamp", timestamp);
      return this;
    }

    public MessageBuilder messageId(String messageId) {
      fields.put("MessageId", messageId);
      return this;
    }

    /** Signs with {@code identity}'s key and points {@code SigningCertURL} at its certificate. */
    public MessageBuilder signedBy(Identity identity) {
      this.identity = identity;
      return this;
    }

    /** Writes {@code url} as {@code SigningCertURL} whoever signs (it is not signed). */
    public MessageBuilder signingCertUrl(String url) {
      this.signingCertUrl = url;
      return this;
    }

    /**
     * Replaces a field after signing, as an attacker would; {@code null} removes it. Works for any
     * field, including {@code Signature}, {@code SignatureVersion} and {@code Type}.
     */
    public MessageBuilder tamper(String field, String value) {
      tampered.put(field, value);
      return this;
    }

    /** The fields as sent, signature included, in SNS's order. */
    public Map<String, String> fields() {
      Map<String, String> sent = new LinkedHashMap<>(fields);
      sent.put("SignatureVersion", signatureVersion);
      sent.put("Signature", sign(stringToSign(fields), identity.privateKey(), signatureVersion));
      sent.put("SigningCertURL", signingCertUrl != null ? signingCertUrl : identity.certUrl());
      tampered.forEach(
          (field, value) -> {
            if (value == null) {
              sent.remove(field);
            } else {
              sent.put(field, value);
            }
          });
      return sent;
    }

    /** The HTTP body SNS would POST. */
    public String json() {
      StringBuilder json = new StringBuilder("{\n");
      String separator = "";
      for (Map.Entry<String, String> field : fields().entrySet()) {
        json.append(separator).append("  ");
        quote(json, field.getKey());
        json.append(" : ");
        quote(json, field.getValue());
        separator = ",\n";
      }
      return json.append("\n}").toString();
    }

    public byte[] bytes() {
      return json().getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The string SNS signs, as its documentation lays it out for each message type. */
  public static String stringToSign(Map<String, String> fields) {
    List<String> keys =
        "Notification".equals(fields.get("Type"))
            ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
            : List.of(
                "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
    StringBuilder text = new StringBuilder();
    for (String key : keys) {
      String value = fields.get(key);
      if (value != null) {
        text.append(key).append('\n').append(value).append('\n');
      }
    }
    return text.toString();
  }

  private static String sign(String text, PrivateKey key, String signatureVersion) {
    try {
      Signature signature =
          Signature.getInstance("2".equals(signatureVersion) ? "SHA256withRSA" : "SHA1withRSA");
      signature.initSign(key);
      signature.update(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not sign", e);
    }
  }

  private Identity leaf(
      String name,
      String commonName,
      X509Certificate issuer,
      KeyPair issuerKeys,
      Instant notBefore,
      Instant notAfter)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    boolean root = issuer.getSubjectX500Principal().equals(issuer.getIssuerX500Principal());
    return leaf(
        name,
        commonName,
        issuer,
        issuerKeys,
        notBefore,
        notAfter,
        root ? List.of() : List.of(issuer));
  }

  /**
   * A leaf in {@code issuer}'s name signed with {@code issuerKeys}, whose AIA points at where
   * {@code issuer} is published; its file holds it then {@code served}.
   */
  private Identity leaf(
      String name,
      String commonName,
      X509Certificate issuer,
      KeyPair issuerKeys,
      Instant notBefore,
      Instant notAfter,
      List<X509Certificate> served)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    KeyPair keys = rsa();
    X509Certificate leaf =
        certificate(
            "CN=" + commonName + ",O=Mailroom Tests",
            keys.getPublic(),
            issuer.getSubjectX500Principal().getName(),
            issuerKeys.getPrivate(),
            false,
            notBefore,
            notAfter,
            commonName,
            baseUrl + issuerPath(issuer));
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(served);
    String path = PEM_PATH_PREFIX + name + ".pem";
    pems.put(path, pem(chain));
    leafPems.put(leafOnlyUrl(path), pem(List.of(leaf)));
    return new Identity(name, keys.getPrivate(), List.copyOf(chain), baseUrl + path);
  }

  /** Where {@code issuer} is published: the path whose DER is its encoding. */
  private String issuerPath(X509Certificate issuer) throws GeneralSecurityException {
    byte[] encoded = issuer.getEncoded();
    for (Map.Entry<String, byte[]> published : issuerCertificates.entrySet()) {
      if (Arrays.equals(published.getValue(), encoded)) {
        return published.getKey();
      }
    }
    throw new IllegalStateException("the issuer is not published");
  }

  private static X509Certificate certificate(
      String subject,
      PublicKey publicKey,
      String issuer,
      PrivateKey issuerKey,
      boolean ca,
      Instant notBefore,
      Instant notAfter,
      String dnsName,
      String issuerUrl)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            new X500Principal(issuer),
            BigInteger.valueOf(SERIALS.incrementAndGet()),
            Date.from(notBefore),
            Date.from(notAfter),
            new X500Principal(subject),
            publicKey);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    builder.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    if (dnsName != null) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
    }
    if (issuerUrl != null) {
      builder.addExtension(
          Extension.authorityInfoAccess,
          false,
          new AuthorityInformationAccess(
              new AccessDescription(
                  AccessDescription.id_ad_caIssuers,
                  new GeneralName(GeneralName.uniformResourceIdentifier, issuerUrl))));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static byte[] pem(List<X509Certificate> chain) throws GeneralSecurityException {
    Base64.Encoder encoder = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : chain) {
      pem.append("-----BEGIN CERTIFICATE-----\n")
          .append(encoder.encodeToString(certificate.getEncoded()))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return pem.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      requests.add(query == null ? path : path + "?" + query);
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
      } else if (pems.containsKey(path) || leafPems.containsKey(path)) {
        if (certificateStatus != 200) {
          exchange.sendResponseHeaders(certificateStatus, -1);
        } else {
          byte[] pem =
              leafPems.containsKey(path)
                  ? leafPems.get(path)
                  : leafOnly ? leafPems.get(leafOnlyUrl(path)) : pems.get(path);
          respond(exchange, "application/x-x509-ca-cert", pem);
        }
      } else if (issuerCertificates.containsKey(path)) {
        if (issuerStatus != 200) {
          exchange.sendResponseHeaders(issuerStatus, -1);
        } else {
          respond(exchange, "application/pkix-cert", issuerCertificates.get(path));
        }
      } else if (CONFIRM_PATH.equals(path) && query != null && token(query) != null) {
        confirmedTokens.add(token(query));
        respond(
            exchange,
            "text/xml",
            ("<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>"
                    + uuid()
                    + "</SubscriptionArn></ConfirmSubscriptionResult>"
                    + "</ConfirmSubscriptionResponse>")
                .getBytes(StandardCharsets.UTF_8));
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
    }
  }

  private static void respond(HttpExchange exchange, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String token(String rawQuery) {
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0 && "Token".equals(pair.substring(0, equals))) {
        return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static void quote(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        case '\b' -> json.append("\\b");
        case '\f' -> json.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }
}
