package dev.netc.applier;

import dev.netc.applier.StateDir.Applied;
import dev.netc.applier.StateDir.BackendState;
import dev.netc.applier.StateDir.State;
import dev.netc.applier.dns.DnsApplier;
import dev.netc.applier.ipvs.IpvsApplier;
import dev.netc.applier.nft.NftApplier;
import dev.netc.applier.nginx.NginxApplier;
import dev.netc.applier.podnet.PodnetApplier;
import dev.netc.applier.xt.XtablesApplier;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code netc apply}: under the state directory's lock, verifies the output folder against its manifest and
 * installs each backend's bundle for this node, recording what was applied. The state file marks a change as
 * pending right before the kernel is changed and records it once it is in, so an applier killed in between
 * leaves a mark that the next run sees (it then trusts nothing and installs whole tables).
 */
public final class Applier {
    private final Clock clock;

    public Applier(Clock clock) {
        this.clock = clock;
    }

    public Applier() {
        this(Clock.systemUTC());
    }

    static BackendApplier backend(BackendKind k) {
        return switch (k) {
            case NFTABLES -> new NftApplier();
            case IPTABLES -> new XtablesApplier("");
            case IPVS -> new IpvsApplier();
            case NGINX -> new NginxApplier();
            case PODNET -> new PodnetApplier();
            case DNS -> new DnsApplier();
        };
    }

    /** Runs the request and returns its exit code ({@link ExitCode}); messages go to {@code out} and {@code err}. */
    public int run(Request req, PrintWriter out, PrintWriter err) {
        try {
            if (req.netns().isPresent()) {
                try (NetnsThread ns = NetnsThread.enter(req.netns().get())) {
                    return ns.call(() -> runHere(req, out));
                }
            }
            return runHere(req, out);
        } catch (ApplyException e) {
            err.println("netc apply: error: " + e.getMessage());
            err.flush();
            return e.exitCode();
        } finally {
            out.flush();
        }
    }

    private int runHere(Request req, PrintWriter out) throws ApplyException {
        StateDir state = new StateDir(req.stateDir());
        Optional<OutDir> outDir = req.out().isPresent() ? Optional.of(OutDir.read(req.out().get(), req.verifyKey())) : Optional.empty();
        // Verify every bundle before waiting for the lock or touching anything.
        List<Bundle> bundles = new ArrayList<>();
        if (req.mode() != Request.Mode.ROLLBACK) {
            if (outDir.isEmpty()) throw new ApplyException(ExitCode.USAGE, "an output folder (OUT) is needed");
            for (BackendKind b : req.backends()) bundles.add(outDir.get().select(req.node(), b));
        }
        StateLock lock = state.lock(req.lockTimeout());
        try {
            state.cleanTmp();
            State s = state.read();
            if (s.node().isPresent() && !s.node().get().equals(req.node())) {
                throw ApplyException.refused(state.stateFile() + " says this is node " + s.node().get() + ", not " + req.node()
                        + "; refused (another node's artifacts)");
            }
            Exec exec = new Exec(state.tmp(), req.toolTimeout());
            int exit = ExitCode.OK;
            for (int i = 0; i < req.backends().size(); i++) {
                BackendKind kind = req.backends().get(i);
                BackendState bs = s.backend(kind);
                Optional<Bundle> previous = load(state, kind, req.node(), bs.current());
                Bundle target;
                if (req.mode() == Request.Mode.ROLLBACK) {
                    if (bs.previous().isEmpty()) throw ApplyException.refused(kind.id() + ": nothing to roll back to (one bundle was applied so far)");
                    target = state.load(kind, req.node(), bs.previous().get());
                } else {
                    target = bundles.get(i);
                }
                final State before = s;
                Context ctx = new Context(req, target, previous, bs.pending().isEmpty(), state, exec, out, () -> {
                    try {
                        state.store(target);
                        state.write(before.withNode(req.node()).with(kind, new BackendState(bs.current(), bs.previous(), Optional.of(target.digest()))));
                    } catch (ApplyException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                });
                BackendApplier applier = backend(kind);
                if (req.mode() == Request.Mode.CHECK) {
                    List<String> drift = applier.check(ctx);
                    if (drift.isEmpty()) {
                        out.println(kind.id() + ": no drift (the kernel holds " + Bundle.shortDigest(target.digest()) + ")");
                    } else {
                        out.println(kind.id() + ": drift: " + drift.size() + " difference" + (drift.size() == 1 ? "" : "s"));
                        for (String d : drift) out.println("  " + d);
                        exit = ExitCode.DRIFT;
                    }
                    continue;
                }
                long t0 = System.nanoTime();
                Outcome o;
                try {
                    o = applier.apply(ctx);
                } catch (ApplyException e) {
                    // The tool refused the transaction: the kernel holds what it held; drop the pending mark.
                    if (e.exitCode() == ExitCode.REJECTED && !req.mode().equals(Request.Mode.DRY_RUN)) state.write(s.withNode(req.node()));
                    throw e;
                } catch (IllegalStateException e) {
                    if (e.getCause() instanceof ApplyException a) throw a;
                    throw e;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (o.status() == Outcome.Status.DRY_RUN) continue;
                Instant now = clock.instant();
                BackendState next;
                if (o.status() == Outcome.Status.UNCHANGED) {
                    next = new BackendState(bs.current(), bs.previous(), Optional.empty());
                } else {
                    Optional<Applied> newPrevious = req.mode() == Request.Mode.ROLLBACK ? bs.current()
                            : previous.isPresent() && previous.get().digest().equals(target.digest()) ? bs.previous() : bs.current();
                    next = new BackendState(Optional.of(Applied.of(target, now, o.mode())), newPrevious, Optional.empty());
                    out.println(kind.id() + ": applied " + Bundle.shortDigest(target.digest()) + " (" + o.mode() + ") in " + ms + " ms"
                            + (req.mode() == Request.Mode.ROLLBACK ? " (rolled back)" : ""));
                }
                // The bundle's copy was stored by beforeCommit (applied) or is the current one already (unchanged).
                for (var l : o.listings().entrySet()) state.saveListing(kind, target.digest(), l.getKey(), l.getValue());
                s = s.withNode(req.node()).with(kind, next);
                state.write(s);
                Set<String> keep = new TreeSet<>();
                next.current().ifPresent(a -> keep.add(a.digest()));
                next.previous().ifPresent(a -> keep.add(a.digest()));
                state.prune(kind, keep);
            }
            out.flush();
            return exit;
        } finally {
            lock.close();
        }
    }

    private static Optional<Bundle> load(StateDir state, BackendKind kind, String node, Optional<Applied> a) {
        if (a.isEmpty()) return Optional.empty();
        try {
            return Optional.of(state.load(kind, node, a.get()));
        } catch (ApplyException e) {
            return Optional.empty();
        }
    }
}
