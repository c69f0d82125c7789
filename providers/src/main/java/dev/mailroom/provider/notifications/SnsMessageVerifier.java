package dev.mailroom.provider.notifications;

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
import java.util.Arrays;
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
import javax.security.auth.x500.X500Principal;

/**
 * Decides whether a message POSTed to an SNS HTTP(S) subscription really comes from Amazon SNS, for
 * a topic this installation listens to, recently. Anyone can POST to the endpoint, and SNS signs
 * the messages of every topic, an attacker's own included, so a valid signature alone proves
 * little: the topic must be one configured here, the certificate must come from an SNS host and
 * chain to a trusted CA, and the message must be fresh enough that an old one cannot be replayed.
 *
 * <p>The checks that need nothing from the network come first, so that a forged message costs no
 * download; the certificate URL is checked before anything is fetched from it. When the file holds
 * the leaf alone and its issuer is not at hand, the issuer is fetched from where the leaf says it
 * is published, if that URL is one the policy allows. Certificates that passed are kept per URL (a
 * few of them) for as long as they are valid, and so are fetched issuers. Thread-safe; blocking for
 * at most the fetch timeout per certificate that must be downloaded.
 */
public final class SnsMessageVerifier {
  /** Where SNS serves its signing certificates, in every partition with a public endpoint. */
  public static final String AWS_SIGNING_CERT_URL =
      "^https://sns\\.[a-z]{2}(-[a-z]+)+-[0-9]+\\.amazonaws\\.com(\\.cn)?/[^?#]*\\.pem$";

  /**
   * Where Amazon's CAs publish their certificates, as the {@code caIssuers} URL of the certificates
   * they issue names them: {@code http://crt.r2m02.amazontrust.com/r2m02.cer}, say. Plain HTTP is
   * the norm there and is enough, since what is downloaded must still chain to a trusted CA.
   */
  public static final String AWS_ISSUER_URL =
      "^http://[a-z0-9.-]+\\.amazontrust\\.com/[^?#]*\\.(cer|crt|der|pem)$";

  /** The name SNS's signing certificates are issued to. */
  public static final String SNS_CERTIFICATE_SUBJECT = "sns.amazonaws.com";

  static final int MAX_CERTIFICATE_BYTES = 64 * 1024;
  static final int MAX_CACHED_CERTIFICATES = 16;
  static final int MAX_CACHED_ISSUERS = 16;

  /**
   * How many issuers may be fetched for one certificate: enough for the intermediate a leaf-only
   * file leaves out and one CA above it (a cross-signed one, for a trust store that knows only an
   * older root), few enough that a certificate cannot send the verifier on a long walk.
   */
  static final int MAX_ISSUER_FETCHES = 2;

  /** Of the URLs one certificate names for its issuer, how many are tried at most. */
  static final int MAX_ISSUER_URLS = 4;

  /** Authority Information Access (RFC 5280, 4.2.2.1). */
  static final String AUTHORITY_INFO_ACCESS_OID = "1.3.6.1.5.5.7.1.1";

  /** The DER contents of the OID id-ad-caIssuers, 1.3.6.1.5.5.7.48.2. */
  private static final byte[] CA_ISSUERS =
      new byte[] {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02};

  private static final int OCTET_STRING = 0x04;
  private static final int OBJECT_IDENTIFIER = 0x06;
  private static final int SEQUENCE = 0x30;

  /** GeneralName's uniformResourceIdentifier: [6] IMPLICIT IA5String. */
  private static final int URI_NAME = 0x86;

  private final Policy policy;
  private final Pattern certUrlPattern;
  private final Pattern issuerUrlPattern;
  private final HttpClient http;
  private final Map<String, TrustedCertificate> certificates =
      new LinkedHashMap<>(MAX_CACHED_CERTIFICATES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TrustedCertificate> eldest) {
          return size() > MAX_CACHED_CERTIFICATES;
        }
      };
  private final Map<String, List<X509Certificate>> issuers =
      new LinkedHashMap<>(MAX_CACHED_ISSUERS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<X509Certificate>> eldest) {
          return size() > MAX_CACHED_ISSUERS;
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
   * @param issuerUrlPattern a regular expression the whole {@code caIssuers} URL of a certificate's
   *     Authority Information Access must match for the verifier to fetch its issuer from there,
   *     when neither the file nor {@code intermediates} hold it
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
      String issuerUrlPattern,
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
      Pattern.compile(Objects.requireNonNull(issuerUrlPattern, "issuerUrlPattern"));
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
     * by a CA the JDK trusts (through intermediates fetched from Amazon's CA hosts), messages at
     * most an hour old.
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
          AWS_ISSUER_URL,
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
          issuerUrlPattern,
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
          issuerUrlPattern,
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
          issuerUrlPattern,
          certificateSubject,
          maxAge,
          maxFutureSkew,
          clock,
          fetchTimeout);
    }

    public Policy withIssuerUrlPattern(String pattern) {
      return new Policy(
          allowedTopicArns,
          signingCertUrlPattern,
          trustAnchors,
          intermediates,
          pattern,
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
          issuerUrlPattern,
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
          issuerUrlPattern,
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
          issuerUrlPattern,
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
          issuerUrlPattern,
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
          issuerUrlPattern,
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
    this.issuerUrlPattern = Pattern.compile(policy.issuerUrlPattern());
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
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new SnsMessageRefused("SigningCertURL is not a valid URL");
    }
    List<X509Certificate> chain = parseChain(fetch(uri, Download.SIGNING_CERTIFICATE));
    TrustedCertificate trusted = trust(chain, now);
    synchronized (certificates) {
      certificates.put(url, trusted);
    }
    return trusted.key();
  }

  /** What is downloaded: it words the refusals and picks the media types asked for. */
  private enum Download {
    SIGNING_CERTIFICATE("the signing certificate", "application/x-pem-file, */*"),
    ISSUER_CERTIFICATE("the issuer certificate", "application/pkix-cert, */*");

    final String what;
    final String accept;

    Download(String what, String accept) {
      this.what = what;
      this.accept = accept;
    }
  }

  private byte[] fetch(URI uri, Download download) {
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(uri)
              .timeout(policy.fetchTimeout())
              .header("Accept", download.accept)
              .GET()
              .build();
    } catch (IllegalArgumentException e) {
      // A scheme other than HTTP(S), which only a lax pattern lets through.
      throw new SnsMessageRefused("the URL of " + download.what + " cannot be fetched");
    }
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
          "interrupted while fetching " + download.what, e);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new SnsMessageRefused.CertificateUnavailable(
          download.what + " did not arrive within " + policy.fetchTimeout(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (tooLarge(cause)) {
        throw new SnsMessageRefused(
            download.what + " is larger than " + MAX_CERTIFICATE_BYTES + " bytes");
      }
      throw new SnsMessageRefused.CertificateUnavailable(
          download.what + " could not be fetched: " + cause.getClass().getSimpleName(), cause);
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
    List<X509Certificate> chain = parseCertificates(pem, Download.SIGNING_CERTIFICATE);
    if (chain.isEmpty()) {
      throw new SnsMessageRefused("the signing certificate file holds no certificate");
    }
    return chain;
  }

  /** The certificates of a PEM or DER file, in order. */
  private static List<X509Certificate> parseCertificates(byte[] file, Download download) {
    Collection<? extends Certificate> parsed;
    try {
      parsed =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(file));
    } catch (CertificateException e) {
      throw new SnsMessageRefused(download.what + " cannot be read");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    for (Certificate certificate : parsed) {
      if (certificate instanceof X509Certificate x509) {
        certificates.add(x509);
      }
    }
    return certificates;
  }

  /**
   * Validates the chain from the first certificate (the signer) to a trust anchor at {@code now},
   * revocation aside: SNS's certificates are short-lived, and a CRL or OCSP request per certificate
   * would add a network dependency to every new one.
   *
   * <p>SNS's certificate files may hold the leaf alone, issued by an intermediate CA that trust
   * stores do not carry. When the chain stops short of the trust anchors, or does not validate, the
   * issuer of its last certificate is fetched from where that certificate says it is published (its
   * Authority Information Access), as browsers do, provided the URL is one the policy allows. What
   * is fetched is only a candidate: the path must still be built and validated to an anchor.
   */
  private TrustedCertificate trust(List<X509Certificate> chain, Instant now) {
    X509Certificate leaf = chain.get(0);
    List<X509Certificate> known = new ArrayList<>(chain);
    known.addAll(policy.intermediates());
    X509Certificate top = chain.get(chain.size() - 1);
    PKIXCertPathBuilderResult result = null;
    for (int fetched = 0; result == null; fetched++) {
      if (issuerKnown(top, known)) {
        result = build(leaf, known, now);
        if (result != null) {
          break;
        }
      }
      // An anchor's name is settled by the anchor itself; fetching something else under it
      // cannot help, nor can going above a self-issued certificate.
      if (fetched == MAX_ISSUER_FETCHES || selfIssued(top) || anchorNamed(top)) {
        throw notTrusted();
      }
      X509Certificate issuer = fetchIssuer(top, now);
      if (known.contains(issuer)) {
        throw notTrusted();
      }
      known.add(issuer);
      top = issuer;
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

  /** A path from {@code leaf} through {@code known} to an anchor, or null when there is none. */
  private PKIXCertPathBuilderResult build(
      X509Certificate leaf, List<X509Certificate> known, Instant now) {
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(policy.trustAnchors(), target);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      parameters.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(known)));
      return (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(parameters);
    } catch (CertPathBuilderException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new SnsMessageRefused("the signing certificate cannot be validated", e);
    }
  }

  private static SnsMessageRefused notTrusted() {
    return new SnsMessageRefused(
        "the signing certificate is not trusted: it does not chain to a trusted CA"
            + " or is not valid now");
  }

  private static boolean selfIssued(X509Certificate certificate) {
    return certificate.getIssuerX500Principal().equals(certificate.getSubjectX500Principal());
  }

  /**
   * Whether a certificate or an anchor at hand carries the name of {@code certificate}'s issuer.
   */
  private boolean issuerKnown(X509Certificate certificate, List<X509Certificate> known) {
    for (X509Certificate candidate : known) {
      if (candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
        return true;
      }
    }
    return anchorNamed(certificate);
  }

  /** Whether a trust anchor carries the name of {@code certificate}'s issuer. */
  private boolean anchorNamed(X509Certificate certificate) {
    for (TrustAnchor anchor : policy.trustAnchors()) {
      X500Principal name =
          anchor.getTrustedCert() != null
              ? anchor.getTrustedCert().getSubjectX500Principal()
              : anchor.getCA();
      if (certificate.getIssuerX500Principal().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The issuer of {@code certificate}, from a {@code caIssuers} URL of its Authority Information
   * Access that the policy allows.
   *
   * @throws SnsMessageRefused when it names no such URL, or none holds a certificate of the
   *     issuer's name; {@link SnsMessageRefused.CertificateUnavailable} when the only failures were
   *     of the network
   */
  private X509Certificate fetchIssuer(X509Certificate certificate, Instant now) {
    List<String> urls = caIssuerUrls(certificate.getExtensionValue(AUTHORITY_INFO_ACCESS_OID));
    if (urls.isEmpty()) {
      throw notTrusted();
    }
    SnsMessageRefused failure = null;
    for (String url : urls) {
      if (!issuerUrlPattern.matcher(url).matches()) {
        continue;
      }
      try {
        for (X509Certificate candidate : issuerCertificates(url, now)) {
          if (candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return candidate;
          }
        }
        failure =
            worse(
                failure,
                new SnsMessageRefused(
                    "the signing certificate is not trusted: "
                        + SnsMessageRefused.brief(url)
                        + " does not hold its issuer"));
      } catch (SnsMessageRefused e) {
        failure = worse(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    throw new SnsMessageRefused(
        "the signing certificate is not trusted: its issuer is not at hand and "
            + SnsMessageRefused.brief(urls.get(0))
            + " is not an allowed issuer URL");
  }

  /** The refusal to report: a transient one, if any, since retrying may then succeed. */
  private static SnsMessageRefused worse(SnsMessageRefused soFar, SnsMessageRefused next) {
    return soFar == null || (next.isTransient() && !soFar.isTransient()) ? next : soFar;
  }

  /** The certificates published at {@code url}, fetched once while none of them has expired. */
  private List<X509Certificate> issuerCertificates(String url, Instant now) {
    List<X509Certificate> cached;
    synchronized (issuers) {
      cached = issuers.get(url);
    }
    if (cached != null
        && cached.stream().noneMatch(c -> now.isAfter(c.getNotAfter().toInstant()))) {
      return cached;
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new SnsMessageRefused("the issuer URL is not a valid URL");
    }
    List<X509Certificate> published =
        List.copyOf(
            parseCertificates(
                fetch(uri, Download.ISSUER_CERTIFICATE), Download.ISSUER_CERTIFICATE));
    synchronized (issuers) {
      issuers.put(url, published);
    }
    return published;
  }

  /**
   * The {@code caIssuers} URIs of an Authority Information Access extension, as {@link
   * X509Certificate#getExtensionValue} returns it: an OCTET STRING around {@code SEQUENCE OF
   * AccessDescription}, each a {@code SEQUENCE {accessMethod OBJECT IDENTIFIER, accessLocation
   * GeneralName}}. The extension comes from a certificate nobody has vouched for yet, so anything
   * unexpected in it is skipped rather than trusted, and at most {@value #MAX_ISSUER_URLS} URIs are
   * returned.
   */
  static List<String> caIssuerUrls(byte[] extensionValue) {
    List<String> urls = new ArrayList<>();
    if (extensionValue == null) {
      return urls;
    }
    Der wrapper = Der.read(extensionValue, 0, extensionValue.length);
    if (wrapper == null
        || wrapper.tag() != OCTET_STRING
        || wrapper.end() != extensionValue.length) {
      return urls;
    }
    Der descriptions = Der.read(extensionValue, wrapper.offset(), wrapper.end());
    if (descriptions == null || descriptions.tag() != SEQUENCE) {
      return urls;
    }
    for (Der description : descriptions.children()) {
      if (urls.size() == MAX_ISSUER_URLS) {
        break;
      }
      if (description.tag() != SEQUENCE) {
        continue;
      }
      List<Der> parts = description.children();
      if (parts.size() != 2
          || parts.get(0).tag() != OBJECT_IDENTIFIER
          || !Arrays.equals(parts.get(0).contents(), CA_ISSUERS)
          || parts.get(1).tag() != URI_NAME) {
        continue;
      }
      String url = ascii(parts.get(1).contents());
      if (url != null) {
        urls.add(url);
      }
    }
    return urls;
  }

  /** Printable ASCII as a string; null for anything else, which no usable URL contains. */
  private static String ascii(byte[] bytes) {
    if (bytes.length == 0) {
      return null;
    }
    for (byte b : bytes) {
      if (b < 0x21 || b > 0x7e) {
        return null;
      }
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /**
   * One DER element of {@code bytes}: its tag, and where its contents are. Just enough DER for
   * {@link #caIssuerUrls}: one-byte tags, definite lengths of up to four bytes.
   */
  private record Der(byte[] bytes, int tag, int offset, int length) {
    int end() {
      return offset + length;
    }

    byte[] contents() {
      return Arrays.copyOfRange(bytes, offset, end());
    }

    /** The element at {@code from}, if it is well-formed and ends by {@code limit}; else null. */
    static Der read(byte[] bytes, int from, int limit) {
      if (from < 0 || limit > bytes.length || limit - from < 2) {
        return null;
      }
      int tag = bytes[from] & 0xff;
      if ((tag & 0x1f) == 0x1f) {
        return null; // A multi-byte tag, which nothing read here uses.
      }
      int first = bytes[from + 1] & 0xff;
      int offset = from + 2;
      long length;
      if (first < 0x80) {
        length = first;
      } else {
        int count = first & 0x7f;
        if (count == 0 || count > 4 || offset + count > limit) {
          return null; // Indefinite (not DER), too long to be real, or cut off.
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (bytes[offset + i] & 0xff);
        }
        offset += count;
      }
      if (length > limit - offset) {
        return null;
      }
      return new Der(bytes, tag, offset, (int) length);
    }

    /** The elements inside a constructed one, up to the first that cannot be read. */
    List<Der> children() {
      List<Der> children = new ArrayList<>();
      if ((tag & 0x20) == 0) {
        return children;
      }
      int at = offset;
      while (at < end()) {
        Der child = read(bytes, at, end());
        if (child == null) {
          break;
        }
        children.add(child);
        at = child.end();
      }
      return children;
    }
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
