/**
 * What providers push to Mailroom, checked where it arrives: Amazon SNS's messages (with SES's
 * notifications inside) are verified here, their subscriptions confirmed, and SES's notifications
 * read into Mailroom's terms. The gateway uses this package, the one besides the login check it may
 * use (ADR 29): a forged push is refused at the door, before anything is stored. Plain Java, no
 * Spring.
 */
package dev.mailroom.provider.notifications;
