/**
 * The guard around every provider adapter (resilience4j, without Spring): a circuit breaker per
 * provider endpoint, a bulkhead per mailbox, a rate limiter per mailbox where the provider sets a
 * quota, and a time limiter around reads. Workers get adapters through it; the adapters themselves
 * know nothing of it.
 */
package dev.mailroom.provider.guard;
