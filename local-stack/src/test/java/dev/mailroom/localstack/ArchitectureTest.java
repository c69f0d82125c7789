package dev.mailroom.localstack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The module boundaries of DESIGN.md, checked on the compiled code of every module. */
@AnalyzeClasses(packages = "dev.mailroom", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String MODEL = "dev.mailroom.model..";
  private static final String STORE = "dev.mailroom.store..";
  private static final String PROVIDERS = "dev.mailroom.provider..";
  private static final String RUNTIME = "dev.mailroom.runtime..";
  private static final String GATEWAY = "dev.mailroom.gateway..";
  private static final String SYNC = "dev.mailroom.sync..";
  private static final String SEND = "dev.mailroom.send..";
  private static final String WEBHOOK = "dev.mailroom.webhook..";
  private static final String WORKER_SUPPORT = "dev.mailroom.worker..";
  private static final String LOCAL_INFRA = "dev.mailroom.infra..";
  private static final String LOGIN_CHECK = "dev.mailroom.provider.login";
  private static final String PUSHED_NOTIFICATIONS = "dev.mailroom.provider.notifications";

  @ArchTest
  static final ArchRule modelIsPlainJava =
      noClasses()
          .that()
          .resideInAPackage(MODEL)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.springframework..", "dev.mailroom..store..", "org.apache.kafka..")
          .because("common-model holds plain records and codecs that every module can use");

  @ArchTest
  static final ArchRule modelDependsOnNoOtherModule =
      noClasses()
          .that()
          .resideInAPackage(MODEL)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(STORE, PROVIDERS, RUNTIME, GATEWAY, SYNC, SEND, WEBHOOK);

  @ArchTest
  static final ArchRule providersKeepBootOut =
      noClasses()
          .that()
          .resideInAPackage(PROVIDERS)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.springframework..", STORE, RUNTIME, GATEWAY, SYNC, SEND, WEBHOOK)
          .because("provider adapters are plain objects behind the SPI, wired by the workers");

  @ArchTest
  static final ArchRule storeKnowsNoService =
      noClasses()
          .that()
          .resideInAPackage(STORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(PROVIDERS, WORKER_SUPPORT, RUNTIME, GATEWAY, SYNC, SEND, WEBHOOK);

  @ArchTest
  static final ArchRule workerSupportServesOnlyWorkers =
      noClasses()
          .that()
          .resideInAPackage(WORKER_SUPPORT)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(GATEWAY, SYNC, SEND, WEBHOOK);

  @ArchTest
  static final ArchRule gatewayNeverCallsAProvider =
      noClasses()
          .that()
          .resideInAPackage(GATEWAY)
          .should()
          .dependOnClassesThat(
              JavaClass.Predicates.resideInAnyPackage(
                      PROVIDERS, WORKER_SUPPORT, SYNC, SEND, WEBHOOK)
                  .and(
                      DescribedPredicate.not(
                          JavaClass.Predicates.resideInAnyPackage(
                              LOGIN_CHECK, PUSHED_NOTIFICATIONS))))
          .because(
              "the gateway turns writes into commands; only workers talk to providers, apart"
                  + " from the one login that checks a new mailbox's credentials (ADR 15) and"
                  + " the verification of what a provider pushes to it (ADR 29)");

  @ArchTest
  static final ArchRule servicesAreIndependent =
      slices()
          .matching("dev.mailroom.(gateway|sync|send|webhook)..")
          .should()
          .notDependOnEachOther()
          .because("shared code belongs in runtime, store or model, not in another service");

  @ArchTest
  static final ArchRule onlyTheGatewayServesClientHttp =
      noClasses()
          .that()
          .resideOutsideOfPackage(GATEWAY)
          .should()
          .beAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
          .orShould()
          .beAnnotatedWith(org.springframework.stereotype.Controller.class)
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("org.springframework.web.reactive.function.server.RouterFunction")
          .because("workers never serve HTTP to clients");

  @ArchTest
  static final ArchRule onlyTheDispatcherAndProvidersMakeOutboundHttpCalls =
      noClasses()
          .that()
          .resideInAnyPackage(MODEL, STORE, RUNTIME, WORKER_SUPPORT, GATEWAY, SYNC, SEND)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "java.net.http..",
              "org.apache.hc.client5..",
              "org.springframework.web.reactive.function.client..")
          .because("nothing but the dispatcher calls subscriber URLs");

  @ArchTest
  static final ArchRule eventsAreRecordsNamedInThePastTense =
      classes()
          .that()
          .resideInAPackage("dev.mailroom.model.event..")
          .and()
          .areNotNestedClasses()
          .and()
          .areNotInterfaces()
          .should()
          .beRecords()
          .andShould()
          .haveNameMatching(".*(ed|Sent)$");

  @ArchTest
  static final ArchRule onlyTheQuickStartUsesLocalInfrastructure =
      noClasses()
          .that()
          .resideInAnyPackage(
              MODEL, STORE, PROVIDERS, RUNTIME, WORKER_SUPPORT, GATEWAY, SYNC, SEND, WEBHOOK)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(LOCAL_INFRA)
          .because(
              "embedded servers are for the quick start and tests; services reach real ones by"
                  + " configuration");

  @ArchTest
  static final ArchRule controllersNeverTouchTheStoreDirectly =
      noClasses()
          .that()
          .areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.springframework.data..", "com.mongodb..", "org.bson..")
          .because(
              "a controller maps HTTP to the core; queries and updates belong to repositories");

  @ArchTest
  static final ArchRule onlyRepositoriesWriteUpdates =
      noClasses()
          .that()
          .resideOutsideOfPackage(STORE)
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("org.springframework.data.mongodb.core.query.Update")
          .because(
              "repositories offer typed operations (markSent, markFailed, ...): which fields a"
                  + " change writes is the store's business");
}
