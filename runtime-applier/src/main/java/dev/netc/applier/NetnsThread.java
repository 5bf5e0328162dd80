package dev.netc.applier;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

/**
 * A thread that lives in another network namespace: a named one it enters with setns(2), or a new, empty
 * one it creates with unshare(2). Network namespaces belong to threads, not processes, so only this thread
 * moves; whatever runs on it — libnftables' netlink socket, a tool it starts — acts on that namespace. A
 * fresh namespace disappears when the thread ends.
 */
public final class NetnsThread implements AutoCloseable {
    /** The libc calls needed, bound with jnr-ffi. */
    public interface LibC {
        @SaveError
        int open(String path, int flags);

        @SaveError
        int setns(int fd, int nstype);

        @SaveError
        int unshare(int flags);

        int close(int fd);
    }

    private static final int O_RDONLY = 0;
    private static final int CLONE_NEWNET = 0x40000000;

    private final String description;
    private final ExecutorService thread;

    private NetnsThread(String description, Callable<Integer> enter) throws ApplyException {
        this.description = description;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns " + description);
            t.setDaemon(true);
            return t;
        });
        int errno;
        try {
            errno = thread.submit(enter).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
            throw ApplyException.rejected("interrupted while entering " + description);
        } catch (ExecutionException e) {
            thread.shutdownNow();
            throw ApplyException.rejected("cannot enter " + description + ": " + e.getCause());
        }
        if (errno != 0) {
            thread.shutdownNow();
            throw ApplyException.rejected("cannot enter " + description + ": " + errnoName(errno));
        }
    }

    static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "operation not permitted (EPERM: needs root or CAP_SYS_ADMIN)";
            case 2 -> "no such namespace (ENOENT)";
            case 13 -> "permission denied (EACCES)";
            case 22 -> "not a network namespace (EINVAL)";
            default -> "errno " + errno;
        };
    }

    /** Enters the namespace {@code ip netns} calls {@code name} (/var/run/netns/NAME), or the one at a path. */
    public static NetnsThread enter(String nameOrPath) throws ApplyException {
        String path = nameOrPath.contains("/") ? nameOrPath : "/var/run/netns/" + nameOrPath;
        LibC libc = Libs.libc();
        return new NetnsThread("network namespace " + nameOrPath, () -> {
            int fd = libc.open(path, O_RDONLY);
            if (fd < 0) return jnr.ffi.LastError.getLastError(jnr.ffi.Runtime.getRuntime(libc));
            int rc = libc.setns(fd, CLONE_NEWNET);
            int errno = rc == 0 ? 0 : jnr.ffi.LastError.getLastError(jnr.ffi.Runtime.getRuntime(libc));
            libc.close(fd);
            return errno;
        });
    }

    /** A new, empty network namespace of its own: a scratch kernel to load an artifact into. */
    public static NetnsThread fresh() throws ApplyException {
        LibC libc = Libs.libc();
        return new NetnsThread("a new network namespace", () ->
                libc.unshare(CLONE_NEWNET) == 0 ? 0 : jnr.ffi.LastError.getLastError(jnr.ffi.Runtime.getRuntime(libc)));
    }

    /** Runs {@code task} on the namespace's thread and waits for it. */
    public <T> T call(Callable<T> task) throws ApplyException {
        try {
            return thread.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApplyException.rejected("interrupted while working in " + description);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApplyException a) throw a;
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Like {@link #call} for work that returns nothing. */
    public interface Task {
        void run() throws Exception;
    }

    public void run(Task task) throws ApplyException {
        call(() -> {
            task.run();
            return null;
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    /** Native libraries, loaded once per JVM on first use (the holder idiom: immutable after loading). */
    static final class Libs {
        private Libs() {
        }

        static LibC libc() {
            return LibcHolder.LIBC;
        }

        private static final class LibcHolder {
            static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        }
    }
}
