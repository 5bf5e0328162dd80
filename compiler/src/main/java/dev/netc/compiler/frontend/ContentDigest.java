package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.YamlNode.Entry;
import dev.netc.compiler.frontend.YamlNode.Mapping;
import dev.netc.compiler.frontend.YamlNode.Scalar;
import dev.netc.compiler.frontend.YamlNode.ScalarType;
import dev.netc.compiler.frontend.YamlNode.Sequence;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The SHA-256 of an object's content, without positions and with mapping keys sorted: equal for objects that
 * differ only in layout. One instance per compile reuses its buffer; the text form ({@link Common#canonical}) was
 * built as a string per object and kept, which cost a sixth of the front end's time and a copy of the input in
 * memory. The encoding is unambiguous: every string is prefixed by its length in bytes, every value by its type.
 */
final class ContentDigest {
    private static final Comparator<Entry> BY_KEY = (x, y) -> x.key().compareTo(y.key());
    private static final int KEEP = 1 << 20;

    private byte[] buf = new byte[8192];
    private int len;

    /** The digest of the content of {@code node}. */
    Key of(YamlNode node) {
        len = 0;
        value(node);
        // netc's one content hash; made on use: looking the algorithm up costs tens of milliseconds the first time, and
        // most compiles digest no object
        byte[] d = dev.netc.ir.ContentHash.Running.start().update(buf, 0, len).digest();
        if (buf.length > KEEP) buf = new byte[8192]; // one large object does not keep its buffer
        return new Key(longAt(d, 0), longAt(d, 8), longAt(d, 16), longAt(d, 24));
    }

    /** A SHA-256 digest. */
    record Key(long a, long b, long c, long d) {
    }

    private static long longAt(byte[] d, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (d[at + i] & 0xff);
        return v;
    }

    private void value(YamlNode node) {
        if (node instanceof Mapping m) {
            mapping(m.entries());
        } else if (node instanceof Sequence s) {
            byte_('[');
            for (YamlNode item : s.items()) value(item);
            byte_(']');
        } else {
            Scalar s = (Scalar) node;
            byte_((byte) ('0' + s.type().ordinal()));
            string(s.type() == ScalarType.INTEGER ? integerText(s) : s.text());
        }
    }

    private void mapping(List<Entry> entries) {
        byte_('{');
        int n = entries.size();
        boolean sorted = true;
        for (int i = 1; i < n && sorted; i++) sorted = entries.get(i - 1).key().compareTo(entries.get(i).key()) < 0;
        if (sorted) {
            for (int i = 0; i < n; i++) entry(entries.get(i));
        } else {
            Entry[] bySorted = entries.toArray(new Entry[0]);
            Arrays.sort(bySorted, BY_KEY);
            for (Entry e : bySorted) entry(e);
        }
        byte_('}');
    }

    private void entry(Entry e) {
        string(e.key());
        value(e.value());
    }

    /** The integer's value in decimal: {@code 0x1F} and {@code 31} are the same content. */
    private static String integerText(Scalar s) {
        String t = s.text();
        int n = t.length();
        int i = n > 1 && t.charAt(0) == '-' ? 1 : 0;
        boolean plain = n > i && (t.charAt(i) != '0' || n == 1);
        for (int k = i; k < n && plain; k++) plain = t.charAt(k) >= '0' && t.charAt(k) <= '9';
        return plain || s.integer() == null ? t : s.integer().toString();
    }

    private void byte_(int b) {
        if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
        buf[len++] = (byte) b;
    }

    /** Its length in bytes, then its UTF-8 bytes. */
    private void string(String s) {
        int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) ascii = s.charAt(i) < 0x80;
        if (!ascii) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
            return;
        }
        length(n);
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        for (int i = 0; i < n; i++) buf[len + i] = (byte) s.charAt(i);
        len += n;
    }

    private void bytes(byte[] b) {
        length(b.length);
        if (len + b.length > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + b.length));
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void length(int n) {
        // Seven bits a byte, high bit set on all but the last: a prefix no other length shares.
        while (n >= 0x80) {
            byte_(0x80 | (n & 0x7f));
            n >>>= 7;
        }
        byte_(n);
    }
}
