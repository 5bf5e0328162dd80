package dev.netc.applier.podnet;

import dev.netc.applier.ApplyException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * One NETLINK_ROUTE socket of the calling thread's network namespace (a socket belongs to the namespace it was
 * opened in): dumps, and batches of requests each acknowledged by the kernel, with the kernel's extended-ack text
 * in the error when it gives one.
 */
final class RtnlSocket implements AutoCloseable {
    /** Requests sent in one send(2): their acks must fit the receive buffer. */
    private static final int BATCH = 128;
    private static final int BUFFER = 1 << 20;

    private final RtnlLibrary libc;
    private final int fd;
    private final ByteBuffer rx = ByteBuffer.allocateDirect(BUFFER);
    private final ByteBuffer tx = ByteBuffer.allocateDirect(BUFFER);
    private int seq = (int) (System.nanoTime() & 0x3fffffff);

    private RtnlSocket(RtnlLibrary libc, int fd) {
        this.libc = libc;
        this.fd = fd;
    }

    static RtnlSocket open() throws ApplyException {
        RtnlLibrary libc = Holder.LIBC;
        int fd = libc.socket(RtnlLibrary.AF_NETLINK, RtnlLibrary.SOCK_RAW | RtnlLibrary.SOCK_CLOEXEC, RtnlLibrary.NETLINK_ROUTE);
        if (fd < 0) throw ApplyException.rejected("podnet: cannot open a netlink socket: " + errno(libc));
        RtnlSocket s = new RtnlSocket(libc, fd);
        byte[] addr = ByteBuffer.allocate(12).order(Nl.HOST).putShort((short) RtnlLibrary.AF_NETLINK).array();
        if (libc.bind(fd, addr, addr.length) != 0) {
            String e = errno(libc);
            s.close();
            throw ApplyException.rejected("podnet: cannot bind the netlink socket: " + e);
        }
        s.option(RtnlLibrary.SOL_NETLINK, RtnlLibrary.NETLINK_EXT_ACK, 1);
        s.option(RtnlLibrary.SOL_NETLINK, RtnlLibrary.NETLINK_CAP_ACK, 1);
        // Root may raise the receive buffer past rmem_max; without it the batch size keeps the acks within the default.
        if (!s.option(RtnlLibrary.SOL_SOCKET, RtnlLibrary.SO_RCVBUFFORCE, 4 << 20)) s.option(RtnlLibrary.SOL_SOCKET, RtnlLibrary.SO_RCVBUF, 4 << 20);
        return s;
    }

    private boolean option(int level, int name, int value) {
        byte[] v = ByteBuffer.allocate(4).order(Nl.HOST).putInt(value).array();
        return libc.setsockopt(fd, level, name, v, 4) == 0;
    }

    private static String errno(RtnlLibrary libc) {
        int e = LastError.getLastError(Runtime.getRuntime(libc));
        return libc.strerror(e) + " (errno " + e + ")";
    }

    int ifindex(String name) {
        return libc.if_nametoindex(name);
    }

    /** Every message of a dump request, retried when the kernel says the dump was interrupted by a change. */
    List<Nl.Message> dump(Nl.Builder request) throws ApplyException {
        for (int attempt = 0; ; attempt++) {
            int s = ++seq;
            sendAll(List.of(request.build(s)));
            List<Nl.Message> out = new ArrayList<>();
            boolean interrupted = false;
            while (true) {
                List<Nl.Message> got = receive();
                boolean done = false;
                for (Nl.Message m : got) {
                    if (m.seq() != s) continue;
                    if ((m.flags() & Nl.NLM_F_DUMP_INTR) != 0) interrupted = true;
                    if (m.type() == Nl.NLMSG_DONE) {
                        done = true;
                    } else if (m.type() == Nl.NLMSG_ERROR) {
                        throw ApplyException.rejected("podnet: the kernel refused a dump: " + describe(m));
                    } else {
                        out.add(m);
                    }
                }
                if (done) break;
            }
            if (!interrupted || attempt >= 5) return out;
        }
    }

    /**
     * Sends the requests, in order, each with an ack asked for, and waits for every ack. The first refusal is
     * thrown after all acks were read (the kernel went on with the rest of the batch), naming its request.
     */
    void execute(List<byte[]> requests, List<String> what) throws ApplyException {
        Optional<String> failure = Optional.empty();
        for (int from = 0; from < requests.size(); from += BATCH) {
            int to = Math.min(requests.size(), from + BATCH);
            int first = seq + 1;
            List<byte[]> batch = new ArrayList<>();
            for (int i = from; i < to; i++) {
                byte[] r = requests.get(i);
                ByteBuffer.wrap(r).order(Nl.HOST).putInt(8, ++seq);
                batch.add(r);
            }
            sendAll(batch);
            int pending = to - from;
            while (pending > 0) {
                for (Nl.Message m : receive()) {
                    if (m.type() != Nl.NLMSG_ERROR) continue;
                    int index = m.errorSeq() - first;
                    if (index < 0 || index >= to - from) continue;
                    pending--;
                    if (m.error() != 0 && failure.isEmpty()) failure = Optional.of(what.get(from + index) + ": " + describe(m));
                }
            }
            if (failure.isPresent()) throw ApplyException.rejected("podnet: the kernel refused " + failure.get());
        }
    }

    private String describe(Nl.Message m) {
        int e = -m.error();
        return libc.strerror(e) + " (errno " + e + ")" + m.errorText().map(t -> ": " + t).orElse("");
    }

    private void sendAll(List<byte[]> messages) throws ApplyException {
        tx.clear();
        for (byte[] m : messages) tx.put(m);
        tx.flip();
        long n = libc.send(fd, tx, tx.limit(), 0);
        if (n != tx.limit()) throw ApplyException.rejected("podnet: netlink send failed: " + errno(libc));
    }

    private List<Nl.Message> receive() throws ApplyException {
        rx.clear();
        long n = libc.recv(fd, rx, BUFFER, 0);
        if (n < 0) throw ApplyException.rejected("podnet: netlink receive failed: " + errno(libc));
        byte[] data = new byte[(int) n];
        rx.get(0, data);
        return Nl.messages(data, data.length);
    }

    @Override
    public void close() {
        libc.close(fd);
    }

    /** libc, loaded once per JVM on first use (the holder idiom: immutable after loading). */
    private static final class Holder {
        static final RtnlLibrary LIBC = LibraryLoader.create(RtnlLibrary.class).load("c");
    }
}
