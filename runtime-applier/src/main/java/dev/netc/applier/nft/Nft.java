package dev.netc.applier.nft;

import dev.netc.applier.ApplyException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * One libnftables context with its output and errors buffered. It is used on one thread: the netlink socket
 * it opens belongs to that thread's network namespace.
 */
public final class Nft implements AutoCloseable {
    /** What one buffer of commands gave: libnftables' return code, its output and its error messages. */
    public record Result(int rc, String output, String errors) {
        public boolean ok() {
            return rc == 0;
        }
    }

    private final NftLibrary lib;
    private final Pointer ctx;

    private Nft(NftLibrary lib, Pointer ctx) {
        this.lib = lib;
        this.ctx = ctx;
    }

    /** A context; {@code dryRun}: batches are checked by the kernel and never committed. */
    public static Nft open(boolean dryRun) throws ApplyException {
        NftLibrary lib = library();
        Pointer ctx = lib.nft_ctx_new(0);
        if (ctx == null) throw ApplyException.rejected("libnftables: nft_ctx_new failed");
        lib.nft_ctx_buffer_output(ctx);
        lib.nft_ctx_buffer_error(ctx);
        lib.nft_ctx_output_set_flags(ctx, NftLibrary.OUTPUT_STATELESS);
        lib.nft_ctx_set_dry_run(ctx, dryRun);
        return new Nft(lib, ctx);
    }

    public Result run(String commands) {
        int rc = lib.nft_run_cmd_from_buffer(ctx, commands);
        String out = lib.nft_ctx_get_output_buffer(ctx);
        String err = lib.nft_ctx_get_error_buffer(ctx);
        return new Result(rc, out == null ? "" : out, err == null ? "" : err);
    }

    /**
     * Runs a script as one batch, from a file in {@code tmpDir} so that libnftables' errors carry
     * {@code file:line:col} (from a buffer it prints no position).
     */
    public Result runScript(String commands, java.nio.file.Path tmpDir) throws ApplyException {
        java.nio.file.Path f = null;
        try {
            java.nio.file.Files.createDirectories(tmpDir);
            f = java.nio.file.Files.createTempFile(tmpDir, "nft-", ".nft");
            java.nio.file.Files.writeString(f, commands);
            int rc = lib.nft_run_cmd_from_filename(ctx, f.toString());
            String out = lib.nft_ctx_get_output_buffer(ctx);
            String err = lib.nft_ctx_get_error_buffer(ctx);
            return new Result(rc, out == null ? "" : out, err == null ? "" : err);
        } catch (java.io.IOException e) {
            throw ApplyException.stateIo(tmpDir + ": " + e.getMessage(), e);
        } finally {
            if (f != null) {
                try {
                    java.nio.file.Files.deleteIfExists(f);
                } catch (java.io.IOException ignored) {
                    // cleaned with tmp/ on the next run
                }
            }
        }
    }

    @Override
    public void close() {
        lib.nft_ctx_free(ctx);
    }

    static NftLibrary library() throws ApplyException {
        try {
            return Holder.LIB;
        } catch (LinkageError | RuntimeException e) {
            throw ApplyException.rejected("libnftables cannot be loaded (" + e.getMessage()
                    + "); install libnftables1 (Debian) or nftables-libs");
        }
    }

    /** Loaded once per JVM, on first use. */
    private static final class Holder {
        static final NftLibrary LIB = load();

        private static NftLibrary load() {
            UnsatisfiedLinkError last = null;
            for (String name : new String[] {"nftables", "libnftables.so.1"}) {
                try {
                    return LibraryLoader.create(NftLibrary.class).failImmediately().load(name);
                } catch (UnsatisfiedLinkError e) {
                    last = e;
                }
            }
            throw last;
        }
    }
}
