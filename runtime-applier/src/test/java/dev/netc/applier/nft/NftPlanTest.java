package dev.netc.applier.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netc.applier.nft.NftPlan.Choice;
import dev.netc.applier.nft.NftPlan.Facts;
import dev.netc.applier.nft.NftPlan.Way;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The no-op / incremental / full choice of an nftables apply, without a kernel. */
class NftPlanTest {
    static Choice choose(boolean reapply, boolean full, boolean previous, boolean finished) {
        return NftPlan.choose(new Facts(reapply, full, previous, finished));
    }

    @Test
    void aNewBundleAfterAFinishedApplyIsIncremental() {
        assertEquals(new Choice(Way.INCREMENTAL, ""), choose(false, false, true, true));
    }

    @Test
    void anIncrementalChangeNotCommittedIsFollowedByTheWholeTablesSayingWhy() {
        assertEquals(new Choice(Way.FULL, "the tables applied last are gone"), NftPlan.afterRefused(false, "Error: No such file or directory"));
        assertEquals(new Choice(Way.FULL, "the incremental change was refused (Error: x); the kernel is unchanged"),
                NftPlan.afterRefused(true, "Error: x"));
    }

    @Test
    void everyOtherNewBundleIsTheWholeTablesAndSaysWhy() {
        assertEquals(new Choice(Way.FULL, ""), choose(false, false, false, false), "the first apply");
        assertEquals(new Choice(Way.FULL, ""), choose(false, true, true, true), "--full");
        assertEquals(new Choice(Way.FULL, "the last apply did not finish"), choose(false, false, true, false));
    }

    @Test
    void aReapplyListsTheKernelAndChangesNothingOnlyWhenItListsWhatWasRecorded() {
        assertEquals(Way.CHECK_UNCHANGED, choose(true, false, true, true).way());
        assertEquals(Way.CHECK_UNCHANGED, choose(true, false, true, false).way(), "even after a kill: the listing decides");
        assertEquals(Way.FULL, choose(true, true, true, true).way(), "--full");
        assertEquals(new Choice(Way.UNCHANGED, ""), NftPlan.afterListing(true, Optional.of("t"), "t"));
        assertEquals(new Choice(Way.FULL, "the kernel no longer holds what was applied last"), NftPlan.afterListing(true, Optional.of("t"), "u"));
        assertEquals(new Choice(Way.FULL, "the last apply was incremental: no listing to compare with"), NftPlan.afterListing(true, Optional.empty(), "t"));
        assertEquals(new Choice(Way.FULL, "the last apply did not finish"), NftPlan.afterListing(false, Optional.of("t"), "t"));
    }
}
