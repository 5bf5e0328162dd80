package dev.netc.applier;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * What a backend's applier is given: the request, the bundle to install, the bundle applied before (from the
 * state directory) and whether the kernel can be trusted to hold it (no change was left half-recorded), the
 * state directory, a tool runner, where to print, and the hook to call right before the kernel changes.
 */
public record Context(Request request, Bundle target, Optional<Bundle> previous, boolean previousTrusted, StateDir state,
                      Exec exec, PrintWriter out, Runnable beforeCommit) {
    public boolean dryRun() {
        return request.mode() == Request.Mode.DRY_RUN;
    }

    /** The bundle applied before, when the kernel should still hold exactly it. */
    public Optional<Bundle> trustedPrevious() {
        return previousTrusted ? previous : Optional.empty();
    }

    /** True when the target is the bundle applied last (a re-apply). */
    public boolean sameAsPrevious() {
        return previous.map(p -> p.digest().equals(target.digest())).orElse(false);
    }

    /** The listing recorded when the bundle with {@code digest} was applied. */
    public Optional<String> listing(String digest, String name) throws ApplyException {
        return state.listing(target.backend(), digest, name);
    }

    public void say(String line) {
        out.println(line);
        out.flush();
    }
}
