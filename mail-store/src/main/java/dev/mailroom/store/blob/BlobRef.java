package dev.mailroom.store.blob;

/**
 * Where a stored part is: a whole object ({@code key}), or a byte range of a pack object that holds
 * the parts of many messages ({@code key#offset+length}). Records keep the reference's text form,
 * so readers pass it to {@link BlobStore#get} whatever its kind. Keys never contain {@code #}: they
 * are built from safe ids only ({@link BlobKeys}).
 */
public record BlobRef(String key, long offset, long length) {
  private static final long WHOLE = -1;

  public BlobRef {
    if (key == null || key.isEmpty() || key.indexOf('#') >= 0) {
      throw new IllegalArgumentException("Not a storage key: " + key);
    }
    if (offset != WHOLE && (offset < 0 || length < 0)) {
      throw new IllegalArgumentException("Not a byte range: " + offset + "+" + length);
    }
  }

  public static BlobRef whole(String key) {
    return new BlobRef(key, WHOLE, WHOLE);
  }

  public static BlobRef range(String key, long offset, long length) {
    return new BlobRef(key, offset, length);
  }

  /** The reference a record holds, in either form. */
  public static BlobRef parse(String ref) {
    int hash = ref.indexOf('#');
    if (hash < 0) {
      return whole(ref);
    }
    int plus = ref.indexOf('+', hash);
    if (plus < 0) {
      throw new IllegalArgumentException("Not a blob reference: " + ref);
    }
    long offset;
    long length;
    try {
      offset = Long.parseLong(ref.substring(hash + 1, plus));
      length = Long.parseLong(ref.substring(plus + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a blob reference: " + ref, e);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("Not a blob reference: " + ref);
    }
    return range(ref.substring(0, hash), offset, length);
  }

  public boolean isRange() {
    return offset != WHOLE;
  }

  /** The HTTP range header of a part that is not empty: first and last byte, both included. */
  String httpRange() {
    return "bytes=" + offset + "-" + (offset + length - 1);
  }

  @Override
  public String toString() {
    return isRange() ? key + "#" + offset + "+" + length : key;
  }
}
