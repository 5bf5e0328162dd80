package dev.netc.golden;

import java.io.File;
import org.approvaltests.namer.ApprovalNamer;

/**
 * Approved files sit at {@code golden/approved/<sample>/<artifact path>}, under the artifact's own name, so a
 * reviewer reads them like the real output and tools load them as they are ({@code nft -c -f …}).
 */
record GoldenNamer(String sample, String artifactPath) implements ApprovalNamer {
    static final File APPROVED = new File("approved");
    static final File RECEIVED = new File("target/received");

    @Override
    public File getApprovedFile(String extensionWithDot) {
        return new File(new File(APPROVED, sample), artifactPath);
    }

    @Override
    public File getReceivedFile(String extensionWithDot) {
        return new File(new File(RECEIVED, sample), artifactPath);
    }

    @Override
    public ApprovalNamer addAdditionalInformation(String info) {
        return this;
    }

    @Override
    public String getApprovalName() {
        return sample + "/" + artifactPath;
    }

    @Override
    public String getSourceFilePath() {
        return APPROVED.getAbsolutePath();
    }
}
