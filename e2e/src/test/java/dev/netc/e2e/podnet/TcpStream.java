package dev.netc.e2e.podnet;

import dev.netc.e2e.lab.Netns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection carrying a steady stream from one namespace to another, watched at the receiver: the bytes that
 * arrived, the longest time between two arrivals, and the first error either end met. The sender writes a small chunk
 * every few milliseconds rather than as fast as it can, so a gap is the network's and not two busy cores'.
 */
final class TcpStream implements AutoCloseable {
    private static final int CHUNK = 4096;
    private static final long PAUSE_MS = 2;

    private final ServerSocket listener;
    private final Socket sender;
    private final Socket receiver;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong longestGapNanos = new AtomicLong();
    private final AtomicLong lastArrival = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private volatile boolean stopping;

    private TcpStream(ServerSocket listener, Socket sender, Socket receiver) {
        this.listener = listener;
        this.sender = sender;
        this.receiver = receiver;
    }

    /** Opens the connection from {@code from} to {@code toAddress}:{@code port} in {@code to} and starts streaming. */
    static TcpStream start(Netns from, Netns to, String toAddress, int port) throws IOException {
        ServerSocket ss = to.call(() -> new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0")));
        Socket out = null;
        try {
            out = from.call(() -> {
                Socket x = new Socket();
                x.bind(new InetSocketAddress("0.0.0.0", 0));
                return x;
            });
            out.connect(new InetSocketAddress(toAddress, port), 3000);
            ss.setSoTimeout(3000);
            TcpStream s = new TcpStream(ss, out, ss.accept());
            s.run("stream-send", s::send);
            s.run("stream-receive", s::receive);
            return s;
        } catch (IOException e) {
            if (out != null) out.close();
            ss.close();
            throw e;
        }
    }

    private interface Loop {
        void run() throws IOException, InterruptedException;
    }

    private void run(String name, Loop loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (IOException | InterruptedException e) {
                if (!stopping) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void send() throws IOException, InterruptedException {
        OutputStream o = sender.getOutputStream();
        byte[] chunk = new byte[CHUNK];
        while (!stopping) {
            o.write(chunk);
            Thread.sleep(PAUSE_MS);
        }
    }

    private void receive() throws IOException {
        InputStream in = receiver.getInputStream();
        byte[] buf = new byte[64 * 1024];
        while (!stopping) {
            int n = in.read(buf);
            if (n < 0) throw new IOException("the stream ended after " + received.get() + " bytes");
            long now = System.nanoTime();
            long last = lastArrival.getAndSet(now);
            if (last != 0) longestGapNanos.accumulateAndGet(now - last, Math::max);
            received.addAndGet(n);
        }
    }

    long received() {
        return received.get();
    }

    /** The longest time without data so far, the wait since the last arrival included (a stream that stalled for good). */
    long longestGapMillis() {
        long last = lastArrival.get();
        long open = last == 0 ? 0 : System.nanoTime() - last;
        return Math.max(longestGapNanos.get(), open) / 1_000_000;
    }

    List<Throwable> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** Local port of the sender: names the connection in {@code ss}. */
    int senderPort() {
        return sender.getLocalPort();
    }

    /** Stops both ends: the sockets close first, so a thread blocked in a read or write returns at once. */
    @Override
    public void close() {
        stopping = true;
        for (AutoCloseable c : List.of(sender, receiver, listener)) {
            try {
                c.close();
            } catch (Exception e) {
                // closing the others anyway
            }
        }
        try {
            for (Thread t : threads) t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
