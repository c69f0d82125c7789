package dev.mailroom.provider.contract;

/**
 * Everything a provider adapter must do, as JUnit 5 default methods: an adapter's test implements
 * this (the {@link ProviderFixture} part) and inherits every check. Checks that need a capability
 * the adapter lacks, or something the test server cannot do, are skipped by assumption.
 */
public interface ProviderContract
    extends ChangeFeedContract, MessageContract, SubmitContract, ErrorContract, WatchContract {}
