package dev.mailroom.provider.spi;

import dev.mailroom.model.message.ProviderKind;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The adapters available in this process, by kind. */
public final class MailProviders {
  private final Map<ProviderKind, MailProvider> byKind = new EnumMap<>(ProviderKind.class);

  public MailProviders(List<MailProvider> providers) {
    providers.forEach(provider -> byKind.put(provider.kind(), provider));
  }

  public MailProvider forKind(ProviderKind kind) throws ProviderException {
    MailProvider provider = byKind.get(kind);
    if (provider == null) {
      throw new ProviderException.Permanent("No adapter for provider " + kind, null);
    }
    return provider;
  }
}
