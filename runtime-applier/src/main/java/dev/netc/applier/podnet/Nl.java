package dev.netc.applier.podnet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The netlink wire format (netlink(7), rtnetlink(7)): a 16-byte {@code nlmsghdr}, a fixed family header, then
 * {@code rtattr}s, each padded to 4 bytes, in the host's byte order except where a field says otherwise. Only
 * what the podnet applier sends and reads; the constants are the kernel's UAPI values.
 */
public final class Nl {
    private Nl() {
    }

    static final ByteOrder HOST = ByteOrder.nativeOrder();

    // nlmsghdr types and flags (linux/netlink.h)
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    /** In an error message: extended-ack attributes follow the (capped) original header. */
    static final int NLM_F_CAPPED = 0x100;
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NLMSGERR_ATTR_MSG = 1;
    static final int HDRLEN = 16;

    // rtnetlink message types (linux/rtnetlink.h)
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;
    static final int RTM_NEWNEIGH = 28;
    static final int RTM_DELNEIGH = 29;
    static final int RTM_GETNEIGH = 30;
    static final int RTM_NEWRULE = 32;
    static final int RTM_DELRULE = 33;
    static final int RTM_GETRULE = 34;

    static final int AF_UNSPEC = 0;
    static final int AF_BRIDGE = 7;

    /** A message as read back: type, flags, sequence number and what follows the header. */
    public record Message(int type, int flags, int seq, byte[] body) {
        public Message {
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(body).order(HOST);
        }

        /** For NLMSG_ERROR: the negative errno (0 for an ack). */
        int error() {
            return buffer().getInt(0);
        }

        /** For NLMSG_ERROR: the sequence number of the request it answers. */
        int errorSeq() {
            return buffer().getInt(4 + 8);
        }

        /** For NLMSG_ERROR with extended ack: the kernel's message, if it gave one. */
        Optional<String> errorText() {
            if ((flags & NLM_F_ACK_TLVS) == 0) return Optional.empty();
            int requestLen = buffer().getInt(4);
            int offset = 4 + ((flags & NLM_F_CAPPED) != 0 ? HDRLEN : align(requestLen));
            if (offset > body.length) return Optional.empty();
            return Attrs.parse(body, offset).string(NLMSGERR_ATTR_MSG);
        }
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** Splits what one recv returned into its messages. */
    static List<Message> messages(byte[] data, int length) {
        List<Message> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data, 0, length).order(HOST);
        int pos = 0;
        while (pos + HDRLEN <= length) {
            int len = b.getInt(pos);
            if (len < HDRLEN || pos + len > length) throw new IllegalStateException("a netlink message of " + len + " bytes at " + pos + " of " + length);
            int type = Short.toUnsignedInt(b.getShort(pos + 4));
            int flags = Short.toUnsignedInt(b.getShort(pos + 6));
            int seq = b.getInt(pos + 8);
            out.add(new Message(type, flags, seq, Arrays.copyOfRange(data, pos + HDRLEN, pos + len)));
            pos += align(len);
        }
        return out;
    }

    /** The attributes of a message from {@code offset} (after its family header): type to value, nested ones parsed on demand. */
    public record Attrs(List<Attr> list) {
        public Attrs {
            list = List.copyOf(list);
        }

        record Attr(int type, byte[] value) {
            Attr {
                value = value.clone();
            }

            @Override
            public byte[] value() {
                return value.clone();
            }
        }

        static Attrs parse(byte[] data, int offset) {
            List<Attr> out = new ArrayList<>();
            ByteBuffer b = ByteBuffer.wrap(data).order(HOST);
            int pos = offset;
            while (pos + 4 <= data.length) {
                int len = Short.toUnsignedInt(b.getShort(pos));
                int type = Short.toUnsignedInt(b.getShort(pos + 2)) & 0x3fff; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
                if (len < 4 || pos + len > data.length) break;
                out.add(new Attr(type, Arrays.copyOfRange(data, pos + 4, pos + len)));
                pos += align(len);
            }
            return new Attrs(out);
        }

        Optional<byte[]> get(int type) {
            for (Attr a : list) if (a.type() == type) return Optional.of(a.value());
            return Optional.empty();
        }

        Optional<Integer> u8(int type) {
            return get(type).filter(v -> v.length >= 1).map(v -> Byte.toUnsignedInt(v[0]));
        }

        Optional<Integer> u32(int type) {
            return get(type).filter(v -> v.length >= 4).map(v -> ByteBuffer.wrap(v).order(HOST).getInt());
        }

        /** A 16-bit field in network byte order (a UDP port). */
        Optional<Integer> be16(int type) {
            return get(type).filter(v -> v.length >= 2).map(v -> ((v[0] & 0xff) << 8) | (v[1] & 0xff));
        }

        Optional<String> string(int type) {
            return get(type).map(v -> {
                int n = 0;
                while (n < v.length && v[n] != 0) n++;
                return new String(v, 0, n, StandardCharsets.UTF_8);
            });
        }

        Optional<Attrs> nested(int type) {
            return get(type).map(v -> parse(v, 0));
        }
    }

    /** Builds one request: header, family header fields, attributes (nests closed in order). */
    static final class Builder {
        private final ByteBuffer b = ByteBuffer.allocate(1024).order(HOST);
        private final int type;
        private final int flags;

        Builder(int type, int flags) {
            this.type = type;
            this.flags = flags;
            b.position(HDRLEN);
        }

        Builder u8(int v) {
            b.put((byte) v);
            return this;
        }

        Builder u16(int v) {
            b.putShort((short) v);
            return this;
        }

        Builder u32(int v) {
            b.putInt(v);
            return this;
        }

        Builder attr(int type, byte[] value) {
            int len = 4 + value.length;
            b.putShort((short) len).putShort((short) type).put(value);
            pad();
            return this;
        }

        Builder attrU8(int type, int v) {
            return attr(type, new byte[] {(byte) v});
        }

        Builder attrU32(int type, int v) {
            return attr(type, ByteBuffer.allocate(4).order(HOST).putInt(v).array());
        }

        Builder attrBe16(int type, int v) {
            return attr(type, new byte[] {(byte) (v >> 8), (byte) v});
        }

        /** A NUL-terminated string. */
        Builder attrString(int type, String s) {
            byte[] t = s.getBytes(StandardCharsets.UTF_8);
            return attr(type, Arrays.copyOf(t, t.length + 1));
        }

        /** Opens a nested attribute; {@link #end} closes it with its length. */
        int nest(int type) {
            int at = b.position();
            b.putShort((short) 0).putShort((short) (type | 0x8000));
            return at;
        }

        Builder end(int at) {
            b.putShort(at, (short) (b.position() - at));
            return this;
        }

        private void pad() {
            while ((b.position() & 3) != 0) b.put((byte) 0);
        }

        byte[] build(int seq) {
            int len = b.position();
            b.putInt(0, len).putShort(4, (short) type).putShort(6, (short) (flags | NLM_F_REQUEST)).putInt(8, seq).putInt(12, 0);
            return Arrays.copyOf(b.array(), len);
        }
    }
}
