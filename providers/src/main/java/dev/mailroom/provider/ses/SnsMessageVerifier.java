package dev.mailroom.provider.ses;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Decides whether a message POSTed to an SNS HTTP(S) subscription really comes from Amazon SNS, for
 * a topic this installation listens to, recently. Anyone can POST to the endpoint, and SNS signs
 * the messages of every topic, an attacker's own included, so a valid signature alone proves
 * little: the topic must be one configured here, the certificate must come from an SNS host and
 * chain to a trusted CA, and the message must be fresh enough that an old one cannot be replayed.
 *
 * <p>The checks that need nothing from the network come first, so that a forged message costs no
 * download; the certificate URL is checked before anything is fetched from it. Certificates that
 * passed are kept per URL (a few of them) for as long as they are valid. Thread-safe; blocking for
 * at most the fetch timeout when a certificate must be downloaded.
 */
public final class SnsMessageVerifier {
  /** Where SNS serves its signing certificates, in every partition with a public endpoint. */
  public static final String AWS_SIGNING_CERT_URL =
      "^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[^?#]*\\.pem$";

  /** The name SNS's signing certificates are issued to. */
  public static final String SNS_CERTIFICATE_SUBJECT = "sns.amazonaws.com";

  static final int MAX_CERTIFICATE_BYTES = 64 * 1024;
  static final int MAX_CACHED_CERTIFICATES = 16;

  private final Policy policy;
  private final Pattern certUrlPattern;
  private final HttpClient http;
  private final Map<String, TrustedCertificate> certificates =
      new LinkedHashMap<>(MAX_CACHED_CERTIFICATES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TrustedCertificate> eldest) {
          return size() > MAX_CACHED_CERTIFICATES;
        }
      };

  /**
   * What the verifier accepts.
   *
   * @param allowedTopicArns the topics this installation subscribed to; never empty
   * @param signingCertUrlPattern a regular expression the whole {@code SigningCertURL} must match
   * @param trustAnchors the CAs a signing certificate must chain to
   * @param intermediates CA certificates a chain may go through besides those served with the
   *     signing certificate, for a certificate file that holds the leaf alone
   * @param certificateSubject the name the signing certificate must carry, as its subject's CN or a
   *     DNS subject alternative name
   * @param maxAge how old a message's {@code Timestamp} may be
   * @param maxFutureSkew how far ahead of the clock a {@code Timestamp} may be
   * @param fetchTimeout bounds connecting to and downloading from the certificate URL, together
   */
  public record Policy(
      Set<String> allowedTopicArns,
      String signingCertUrlPattern,
      Set<TrustAnchor> trustAnchors,
      Set<X509Certificate> intermediates,
      String certificateSubject,
      Duration maxAge,
      Duration maxFutureSkew,
      Clock clock,
      Duration fetchTimeout) {

    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(5);

    public Policy {
      allowedTopicArns = Set.copyOf(Objects.requireNonNull(allowedTopicArns, "allowedTopicArns"));
      if (allowedTopicArns.isEmpty()) {
        throw new IllegalArgumentException("at least one topic ARN must be allowed");
      }
      Pattern.compile(Objects.requireNonNull(signingCertUrlPattern, "signingCertUrlPattern"));
      trustAnchors = Set.copyOf(Objects.requireNonNull(trustAnchors, "trustAnchors"));
      if (trustAnchors.isEmpty()) {
        throw new IllegalArgumentException("at least one trust anchor is needed");
      }
      intermediates = Set.copyOf(Objects.requireNonNull(intermediates, "intermediates"));
      if (Objects.requireNonNull(certificateSubject, "certificateSubject").isBlank()) {
        throw new IllegalArgumentException("certificateSubject is blank");
      }
      positive(maxAge, "maxAge");
      if (Objects.requireNonNull(maxFutureSkew, "maxFutureSkew").isNegative()) {
        throw new IllegalArgumentException("maxFutureSkew is negative");
      }
      Objects.requireNonNull(clock, "clock");
      positive(fetchTimeout, "fetchTimeout");
    }

    /**
     * SNS's own settings: certificates from SNS hosts, issued to {@value #SNS_CERTIFICATE_SUBJECT}
     * by a CA the JDK trusts, messages at most an hour old.
     */
    public static Policy forTopics(Set<String> allowedTopicArns) {
      return forTopics(allowedTopicArns, jdkTrustAnchors());
    }

    /** Like {@link #forTopics(Set)}, with other trust anchors. */
    public static Policy forTopics(Set<String> allowedTopicArns, Set<TrustAnchor> trustAnchors) {
      return new Policy(
          allowedTopicArns,
          AWS_SIGNING_CERT_URL,
          trustAnchors,
          Set.of(),
          SNS_CERTIFICATE_SUBJECT,
          DEFAULT_MAX_AGE,
          DEFAULT_MAX_FUTURE_SKEW,
          Clock.systemUTC(),
          DEFAULT_FETCH_TIMEOUT);
    }

    public Policy withSigningCertUrlPattern(String pattern) {
      return new Policy(
          allowedTopicArns,
          pattern,
          trustAnchors,
          intermediates,
          certificateSubject,
          maxAge,
          maxFutureSkew,
          clock,
          fetchTimeout);
    }

    public Policy withTrustAnchors(Set<TrustAnchor> anchors) {
      return new Policy(
          allowedTopicArns,
          signingCertUrlPattern,
          anchors,
          intermediates,
          certificateSubject,
          maxAge,
          maxFutureSkew,
          clock,
          fetchTimeout);
    }

    public Policy withIntermediates(Set<X509Certificate> certificates) {
      return new Policy(
          allowedTopicArns,
          signingCertUrlPattern,
          trustAnchors,
          certificates,
          certificateSubject,
          maxAge,
          maxFutureSkew,
          clock,
          fetchTimeout);
    }

    public Policy withCertificateSubject(String subject) {
      return new Policy(
          allowedTopicArns,
          signingCertUrlPattern,
          trustAnchors,
          intermediates,
          subject,
          maxAge,
          maxFutureSkew,
          clock,
          fetchTimeout);
    }

    public Policy withMaxAge(Duration age) {
      return new Policy(
          allowedTopicArns,
          signingCertUrlPattern,
          trustAnchors,
          intermediates,
          certificateSubject,
          age,
          maxFutureSkew,
          clock,
          fetchTimeout);
    }

    public Policy withMaxFutureSkew(Duration skew) {
      return new Policy(
          allowedTopicArns,
          signingCertUrlPattern,
          trustAnchors,
          intermediates,
          certificateSubject,
          maxAge,
          skew,
          clock,
          fetchTimeout);
    }

    public Policy withClock(Clock newClock) {
      return new Policy(
          allowedTopicArns,
          signingCertUrlPattern,
          trustAnchors,
          intermediates,
          certificateSubject,
          maxAge,
          maxFutureSkew,
          newClock,
          fetchTimeout);
    }

    public Policy withFetchTimeout(Duration timeout) {
      return new Policy(
          allowedTopicArns,
          signingCertUrlPattern,
          trustAnchors,
          intermediates,
          certificateSubject,
          maxAge,
          maxFutureSkew,
          clock,
          timeout);
    }

    /** The CAs the JVM trusts by default (its {@code cacerts}, or the configured trust store). */
    public static Set<TrustAnchor> jdkTrustAnchors() {
      try {
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        Set<TrustAnchor> anchors = new HashSet<>();
        for (var manager : factory.getTrustManagers()) {
          if (manager instanceof X509TrustManager x509) {
            for (X509Certificate ca : x509.getAcceptedIssuers()) {
              anchors.add(new TrustAnchor(ca, null));
            }
          }
        }
        return Set.copyOf(anchors);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JVM's trust store cannot be read", e);
      }
    }

    /** The trusted certificate entries of {@code keyStore}. */
    public static Set<TrustAnchor> trustAnchorsOf(KeyStore keyStore) {
      try {
        return Set.copyOf(new PKIXParameters(keyStore).getTrustAnchors());
      } catch (KeyStoreException | InvalidAlgorithmParameterException e) {
        throw new IllegalArgumentException("the key store holds no usable trusted certificate", e);
      }
    }

    private static void positive(Duration duration, String name) {
      if (Objects.requireNonNull(duration, name).isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
    }
  }

  public SnsMessageVerifier(Policy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.certUrlPattern = Pattern.compile(policy.signingCertUrlPattern());
    // A redirect could lead anywhere, away from the hosts the pattern allows.
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(policy.fetchTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public Policy policy() {
    return policy;
  }

  /**
   * Parses and verifies the body of an SNS POST.
   *
   * @return the message, authentic and fresh
   * @throws SnsMessageRefused when it must not be acted on; {@link SnsMessageRefused#isTransient()}
   *     tells whether the same message may pass later
   */
  public SnsMessage verify(byte[] body) {
    return verify(SnsMessage.parse(body));
  }

  /**
   * Verifies a parsed message.
   *
   * @return {@code message}
   * @throws SnsMessageRefused when it must not be acted on; {@link SnsMessageRefused#isTransient()}
   *     tells whether the same message may pass later
   */
  public SnsMessage verify(SnsMessage message) {
    Objects.requireNonNull(message, "message");
    if (!message.isNotification()
        && !message.isSubscriptionConfirmation()
        && !message.isUnsubscribeConfirmation()) {
      throw new SnsMessageRefused(
          "unknown message type " + SnsMessageRefused.brief(message.type()));
    }
    if (!policy.allowedTopicArns().contains(message.topicArn())) {
      throw new SnsMessageRefused(
          "topic " + SnsMessageRefused.brief(message.topicArn()) + " is not allowed");
    }
    Instant now = policy.clock().instant();
    if (message.timestamp().isBefore(now.minus(policy.maxAge()))) {
      throw new SnsMessageRefused(
          "the message is too old: sent at "
              + message.timestamp()
              + ", accepted for "
              + policy.maxAge());
    }
    if (message.timestamp().isAfter(now.plus(policy.maxFutureSkew()))) {
      throw new SnsMessageRefused(
          "the message is dated in the future: " + message.timestamp() + ", now " + now);
    }
    String algorithm = algorithm(message.signatureVersion());
    String certUrl = message.signingCertUrl();
    if (!certUrlPattern.matcher(certUrl).matches()) {
      throw new SnsMessageRefused(
          "SigningCertURL " + SnsMessageRefused.brief(certUrl) + " is not an SNS certificate URL");
    }
    PublicKey key = certificate(certUrl, now);
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(message.signature());
    } catch (IllegalArgumentException e) {
      throw new SnsMessageRefused("the Signature is not base64");
    }
    boolean valid;
    try {
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(key);
      verifier.update(message.stringToSign().getBytes(StandardCharsets.UTF_8));
      valid = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // A signature of the wrong length, or a key that cannot verify this algorithm.
      valid = false;
    }
    if (!valid) {
      throw new SnsMessageRefused("the signature does not match the message");
    }
    return message;
  }

  private static String algorithm(String signatureVersion) {
    return switch (signatureVersion) {
      case "1" -> "SHA1withRSA";
      case "2" -> "SHA256withRSA";
      default ->
          throw new SnsMessageRefused(
              "unsupported SignatureVersion " + SnsMessageRefused.brief(signatureVersion));
    };
  }

  /** The public key of the certificate at {@code url}, once that certificate is trusted. */
  private PublicKey certificate(String url, Instant now) {
    TrustedCertificate cached;
    synchronized (certificates) {
      cached = certificates.get(url);
    }
    if (cached != null && cached.validAt(now)) {
      return cached.key();
    }
    List<X509Certificate> chain = parseChain(fetch(url));
    TrustedCertificate trusted = trust(chain, now);
    synchronized (certificates) {
      certificates.put(url, trusted);
    }
    return trusted.key();
  }

  private byte[] fetch(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new SnsMessageRefused("SigningCertURL is not a valid URL");
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(policy.fetchTimeout())
            .header("Accept", "application/x-pem-file, */*")
            .GET()
            .build();
    CompletableFuture<HttpResponse<byte[]>> pending =
        http.sendAsync(
            request,
            info ->
                info.statusCode() == 200
                    ? new LimitedBody(MAX_CERTIFICATE_BYTES)
                    : BodySubscribers.replacing(new byte[0]));
    HttpResponse<byte[]> response;
    try {
      response = pending.get(policy.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new SnsMessageRefused.CertificateUnavailable(
          "interrupted while fetching the signing certificate", e);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new SnsMessageRefused.CertificateUnavailable(
          "the signing certificate did not arrive within " + policy.fetchTimeout(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (tooLarge(cause)) {
        throw new SnsMessageRefused(
            "the signing certificate is larger than " + MAX_CERTIFICATE_BYTES + " bytes");
      }
      throw new SnsMessageRefused.CertificateUnavailable(
          "the signing certificate could not be fetched: " + cause.getClass().getSimpleName(),
          cause);
    }
    int status = response.statusCode();
    if (status == 200) {
      return response.body();
    }
    if (status >= 500 || status == 429 || status == 408) {
      throw new SnsMessageRefused.CertificateUnavailable(
          "the certificate server answered " + status, null);
    }
    throw new SnsMessageRefused("the certificate server answered " + status);
  }

  private static boolean tooLarge(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TooLarge) {
        return true;
      }
    }
    return false;
  }

  private static List<X509Certificate> parseChain(byte[] pem) {
    Collection<? extends Certificate> parsed;
    try {
      parsed =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw new SnsMessageRefused("the signing certificate cannot be read");
    }
    List<X509Certificate> chain = new ArrayList<>();
    for (Certificate certificate : parsed) {
      if (certificate instanceof X509Certificate x509) {
        chain.add(x509);
      }
    }
    if (chain.isEmpty()) {
      throw new SnsMessageRefused("the signing certificate file holds no certificate");
    }
    return chain;
  }

  /**
   * Validates the chain from the first certificate (the signer) to a trust anchor at {@code now},
   * revocation aside: SNS's certificates are short-lived, and a CRL or OCSP request per certificate
   * would add a network dependency to every new one.
   */
  private TrustedCertificate trust(List<X509Certificate> chain, Instant now) {
    X509Certificate leaf = chain.get(0);
    PKIXCertPathBuilderResult result;
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(policy.trustAnchors(), target);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      List<X509Certificate> known = new ArrayList<>(chain);
      known.addAll(policy.intermediates());
      parameters.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(known)));
      result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(parameters);
    } catch (CertPathBuilderException e) {
      throw new SnsMessageRefused(
          "the signing certificate is not trusted: it does not chain to a trusted CA"
              + " or is not valid now");
    } catch (GeneralSecurityException e) {
      throw new SnsMessageRefused("the signing certificate cannot be validated", e);
    }
    if (!namedAs(leaf, policy.certificateSubject())) {
      throw new SnsMessageRefused(
          "the signing certificate is not issued to " + policy.certificateSubject());
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage != null && !usage[0]) {
      throw new SnsMessageRefused("the signing certificate may not sign");
    }
    // Valid for as long as every certificate of the path and the anchor are.
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    List<Certificate> path = new ArrayList<>(result.getCertPath().getCertificates());
    if (result.getTrustAnchor().getTrustedCert() != null) {
      path.add(result.getTrustAnchor().getTrustedCert());
    }
    for (Certificate certificate : path) {
      X509Certificate x509 = (X509Certificate) certificate;
      notBefore = max(notBefore, x509.getNotBefore().toInstant());
      notAfter = min(notAfter, x509.getNotAfter().toInstant());
    }
    return new TrustedCertificate(leaf.getPublicKey(), notBefore, notAfter);
  }

  private static boolean namedAs(X509Certificate certificate, String name) {
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alternative : alternatives) {
          // 2 is dNSName (RFC 5280).
          if (Integer.valueOf(2).equals(alternative.get(0))
              && alternative.get(1) instanceof String dns
              && dns.equalsIgnoreCase(name)) {
            return true;
          }
        }
      }
    } catch (CertificateException e) {
      // An unreadable extension names nothing; the subject may still.
    }
    try {
      LdapName subject = new LdapName(certificate.getSubjectX500Principal().getName());
      for (Rdn rdn : subject.getRdns()) {
        if ("CN".equals(rdn.getType().toUpperCase(Locale.ROOT))
            && rdn.getValue() instanceof String cn
            && cn.equalsIgnoreCase(name)) {
          return true;
        }
      }
    } catch (InvalidNameException e) {
      return false;
    }
    return false;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** A signing key whose certificate chain was validated, and when that validation holds. */
  private record TrustedCertificate(PublicKey key, Instant notBefore, Instant notAfter) {
    boolean validAt(Instant instant) {
      return !instant.isBefore(notBefore) && !instant.isAfter(notAfter);
    }
  }

  /** The body grew past the limit. */
  private static final class TooLarge extends IOException {
    TooLarge() {
      super("body too large", null);
    }
  }

  /** Collects a response body, giving up as soon as it grows past a limit. */
  private static final class LimitedBody implements BodySubscriber<byte[]> {
    private final int limit;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (out.size() + buffer.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(new TooLarge());
          return;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        out.writeBytes(bytes);
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
