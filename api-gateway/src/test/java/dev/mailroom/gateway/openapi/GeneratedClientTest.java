package dev.mailroom.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The promise of the OpenAPI document: a client can be generated from it. The pinned document (the
 * golden file, which {@code OpenApiGoldenTest} holds equal to the served one) goes through
 * openapi-generator's Java client ({@code native} library: JDK HTTP client and Jackson only), and
 * the result must compile and offer one method per operation id.
 *
 * <p>The generator runs in its own JVM from the jar the build copies to {@code
 * target/openapi-generator}: on the test classpath its swagger-core and Jackson 2 would replace the
 * gateway's own.
 */
class GeneratedClientTest {
  private static final Path GOLDEN = Path.of("src/test/resources/openapi/mailroom.json");
  private static final Path GENERATOR =
      Path.of("target/openapi-generator/openapi-generator-cli.jar");
  private static final Path OUT = Path.of("target/generated-client");
  private static final String PACKAGE = "dev.mailroom.client";

  /** What the generated code imports besides the JDK; located on the test classpath. */
  private static final List<String> CLIENT_DEPENDENCIES =
      List.of(
          "com.fasterxml.jackson.annotation.JsonProperty",
          "com.fasterxml.jackson.core.JsonParser",
          "com.fasterxml.jackson.databind.ObjectMapper",
          "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule",
          "jakarta.annotation.Generated");

  @Test
  void aJavaClientGeneratedFromTheDocumentCompiles() throws Exception {
    assertThat(GENERATOR).as("copied by the build (maven-dependency-plugin)").exists();
    FileSystemUtils.deleteRecursively(OUT);
    Files.createDirectories(OUT);

    generate();

    Path sources = OUT.resolve("src/main/java");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).isNotEmpty();
    Path classes = OUT.resolve("classes");
    Files.createDirectories(classes);
    List<String> errors = compile(files, classes);
    assertThat(errors).as("compiler errors").isEmpty();

    // One client method per operation id, in the API class of the operation's tag.
    Set<String> operationIds = operationIds();
    assertThat(operationIds).isNotEmpty();
    try (URLClassLoader loader =
        new URLClassLoader(
            Stream.concat(Stream.of(classes.toUri().toURL()), dependencyJars().stream())
                .toArray(URL[]::new),
            ClassLoader.getPlatformClassLoader())) {
      Set<String> methods = new LinkedHashSet<>();
      try (Stream<Path> walk = Files.walk(classes.resolve(PACKAGE.replace('.', '/') + "/api"))) {
        for (Path apiClass : walk.filter(p -> p.toString().endsWith("Api.class")).toList()) {
          String name = PACKAGE + ".api." + apiClass.getFileName().toString().replace(".class", "");
          Arrays.stream(loader.loadClass(name).getDeclaredMethods())
              .map(Method::getName)
              .forEach(methods::add);
        }
      }
      assertThat(methods).containsAll(operationIds);
    }
  }

  private static void generate() throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        List.of(
            java,
            "-jar",
            GENERATOR.toString(),
            "generate",
            "--generator-name",
            "java",
            "--library",
            "native",
            "--input-spec",
            GOLDEN.toString(),
            "--output",
            OUT.toString(),
            "--global-property",
            "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false",
            "--additional-properties",
            "useJakartaEe=true,openApiNullable=false,hideGenerationTimestamp=true,"
                + ("apiPackage=" + PACKAGE + ".api,modelPackage=" + PACKAGE + ".model,")
                + ("invokerPackage=" + PACKAGE));
    Path log = OUT.resolve("generator.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = process.waitFor(3, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    assertThat(finished).as("generator finished in time").isTrue();
    assertThat(process.exitValue())
        .as("generator exit status; output:\n%s", Files.readString(log, StandardCharsets.UTF_8))
        .isZero();
  }

  private static List<String> compile(List<Path> files, Path classes) throws Exception {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assertThat(compiler).as("a JDK, not a JRE").isNotNull();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String classpath =
        dependencyJars().stream()
            .map(GeneratedClientTest::path)
            .collect(Collectors.joining(java.io.File.pathSeparator));
    try (StandardJavaFileManager fileManager =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      Boolean ok =
          compiler
              .getTask(
                  null,
                  fileManager,
                  diagnostics,
                  List.of(
                      "-classpath",
                      classpath,
                      "-d",
                      classes.toString(),
                      "--release",
                      "17",
                      "-proc:none",
                      "-nowarn"),
                  null,
                  fileManager.getJavaFileObjectsFromPaths(files))
              .call();
      List<String> errors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          errors.add(d.getSource() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT));
        }
      }
      if (!ok && errors.isEmpty()) {
        errors.add("compilation failed without diagnostics");
      }
      return errors;
    }
  }

  /** The jars holding the classes the generated client needs, as the test JVM loaded them. */
  private static List<URL> dependencyJars() throws ClassNotFoundException {
    Set<URL> jars = new LinkedHashSet<>();
    for (String name : CLIENT_DEPENDENCIES) {
      jars.add(Class.forName(name).getProtectionDomain().getCodeSource().getLocation());
    }
    return List.copyOf(jars);
  }

  private static String path(URL url) {
    try {
      return Path.of(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> operationIds() throws IOException {
    JsonNode document = JsonMapper.builder().build().readTree(Files.readString(GOLDEN));
    Set<String> ids = new LinkedHashSet<>();
    for (JsonNode path : document.get("paths")) {
      for (JsonNode operation : path) {
        if (operation.has("operationId")) {
          ids.add(operation.get("operationId").asString());
        }
      }
    }
    return ids;
  }
}
