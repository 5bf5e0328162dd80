package dev.netc.applier;

import java.util.List;

/** Installs one backend's bundle on the node the calling thread is in. */
public interface BackendApplier {
    /**
     * Plans against the kernel's state and the previously applied bundle, prints the plan, then installs the
     * target (or, in a dry run, has the kernel or tool check it without installing). Throws with exit code
     * {@link ExitCode#REJECTED} when the change was refused, after putting back what was there.
     */
    Outcome apply(Context c) throws ApplyException;

    /** What differs between the kernel and the target, one line each; empty when the kernel holds it. */
    List<String> check(Context c) throws ApplyException;
}
