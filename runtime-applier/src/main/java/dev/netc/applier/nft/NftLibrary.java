package dev.netc.applier.nft;

import jnr.ffi.Pointer;

/**
 * The part of libnftables' API (libnftables(3), {@code libnftables.so.1}) the applier uses, bound with
 * jnr-ffi. One {@code nft_run_cmd_from_buffer} call is one netlink batch, which the kernel commits as one
 * transaction: all of it or none of it.
 */
public interface NftLibrary {
    /** NFT_CTX_OUTPUT_STATELESS: counters and quotas print without their run-time values. */
    int OUTPUT_STATELESS = 1 << 2;

    Pointer nft_ctx_new(int flags);

    void nft_ctx_free(Pointer ctx);

    /** Dry run: the batch is sent and checked by the kernel, then aborted instead of committed. */
    void nft_ctx_set_dry_run(Pointer ctx, boolean dry);

    void nft_ctx_output_set_flags(Pointer ctx, int flags);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    String nft_ctx_get_output_buffer(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    int nft_run_cmd_from_buffer(Pointer ctx, String buffer);

    /** Like the buffer call (one batch, one transaction), but errors name the file's line and column. */
    int nft_run_cmd_from_filename(Pointer ctx, String filename);
}
