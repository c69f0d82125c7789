/**
 * Checks a mailbox's credentials by logging in once: the only part of the providers module the
 * gateway may use (ADR 15), with types of its own so that the provider SPI stays the workers'.
 */
package dev.mailroom.provider.login;
