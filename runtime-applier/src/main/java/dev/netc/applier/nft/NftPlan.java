package dev.netc.applier.nft;

import java.util.Optional;

/**
 * Which way an nftables apply goes, decided from what the state and a cheap look at the kernel say, without
 * touching anything (the applier gathers the facts and follows the choice):
 * <ul>
 * <li>{@link Way#CHECK_UNCHANGED}: a re-apply of the bundle applied last. The tables are listed and compared
 * with the listing recorded after that apply ({@link #afterListing}): nothing to change, or the whole tables.</li>
 * <li>{@link Way#INCREMENTAL}: the state says the kernel holds the previous bundle (its apply finished, none
 * is pending): only the difference of the two artifacts is sent, behind a guard that aborts the transaction
 * when the tables applied last are gone ({@link NftBlocks#guard}); the tables are not listed. When the kernel
 * refuses it, nothing of it is committed and the whole tables follow ({@link #afterRefused}). Drift made by
 * hand is not seen on this way ({@code --check} finds it, a re-apply or {@code --full} repairs it).</li>
 * <li>{@link Way#FULL}: the whole tables, replacing what the kernel lists.</li>
 * </ul>
 */
public final class NftPlan {
    private NftPlan() {
    }

    public enum Way { UNCHANGED, CHECK_UNCHANGED, INCREMENTAL, FULL }

    /** The way, and why when it is the whole tables after a previous apply ("" when there is nothing to say). */
    public record Choice(Way way, String why) {
        static Choice full(String why) {
            return new Choice(Way.FULL, why);
        }
    }

    /**
     * What the choice is made from: a re-apply of the bundle applied last; {@code --full} asked; a previous
     * bundle whose artifact could be read; its apply finished (no pending mark).
     */
    public record Facts(boolean reapply, boolean fullAsked, boolean previous, boolean lastFinished) {
    }

    public static Choice choose(Facts f) {
        if (f.fullAsked()) return Choice.full("");
        if (f.reapply()) return new Choice(Way.CHECK_UNCHANGED, "");
        if (!f.previous()) return Choice.full("");
        if (!f.lastFinished()) return Choice.full("the last apply did not finish");
        return new Choice(Way.INCREMENTAL, "");
    }

    /**
     * After an incremental change that was not committed (the kernel refused it, or a look before it found a table
     * missing): the whole tables, saying why — the tables applied last are gone, or the kernel's first error.
     */
    public static Choice afterRefused(boolean tablesPresent, String error) {
        if (!tablesPresent) return Choice.full("the tables applied last are gone");
        return Choice.full("the incremental change was refused (" + error + "); the kernel is unchanged");
    }

    /**
     * After {@link Way#CHECK_UNCHANGED}: nothing to change only when the last apply finished and the kernel
     * lists exactly what it listed right after it ({@code recorded}; an incremental apply records none).
     */
    public static Choice afterListing(boolean lastFinished, Optional<String> recorded, String now) {
        if (!lastFinished) return Choice.full("the last apply did not finish");
        if (recorded.isEmpty()) return Choice.full("the last apply was incremental: no listing to compare with");
        if (!recorded.get().equals(now)) return Choice.full("the kernel no longer holds what was applied last");
        return new Choice(Way.UNCHANGED, "");
    }
}
