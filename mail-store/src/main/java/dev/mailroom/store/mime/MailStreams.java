package dev.mailroom.store.mime;

/**
 * Jakarta Mail 2.1 looks up its stream provider for every body part and multipart it creates,
 * through a {@link java.util.ServiceLoader} scan of every jar on the class path (jakartaee/mail-api
 * issues 699 and 861). In a service with a few hundred jars that scan cost more than the parse
 * itself. Naming the provider in the system property the lookup reads first turns it into one class
 * load: parsing an ordinary multipart message went from about 780 to 180 µs.
 */
public final class MailStreams {
  static final String PROPERTY = "jakarta.mail.util.StreamProvider";
  static final String ANGUS = "org.eclipse.angus.mail.util.MailStreamProvider";

  private MailStreams() {}

  /** Names Angus Mail's provider, unless the deployment named one; safe to call again. */
  public static void nameTheProvider() {
    if (System.getProperty(PROPERTY) != null) {
      return;
    }
    try {
      Class.forName(ANGUS, false, MailStreams.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return; // another implementation: leave the lookup to find it
    }
    System.setProperty(PROPERTY, ANGUS);
  }
}
