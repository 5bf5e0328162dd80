package dev.netc.cli;

import dev.netc.compiler.InputSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;

/**
 * The sides of {@code netc diff --git}: a revision's files read from the repository's objects (no checkout, the
 * working tree untouched), written under a scratch folder so that the input loader reads them by its own rules,
 * then named {@code path@REV} in every position (no colon: a position is {@code path@REV:line:col}). {@code A..B} compares two revisions; a single {@code REV} compares
 * the merge base of {@code REV} and {@code HEAD} with the working tree, as a pull request's review does.
 */
final class GitSides {
    /** What {@code --git} could not do, in one line for the user. */
    static final class GitException extends Exception {
        private static final long serialVersionUID = 1L;

        GitException(String message) {
            super(message);
        }
    }

    private GitSides() {
    }

    /** The repository holding {@code cwd}, or why there is none. */
    static Repository open(Path cwd) throws GitException {
        FileRepositoryBuilder b = new FileRepositoryBuilder().readEnvironment().findGitDir(cwd.toAbsolutePath().toFile());
        if (b.getGitDir() == null) throw new GitException("--git: " + cwd.toAbsolutePath() + " is not in a Git repository");
        try {
            return b.build();
        } catch (IOException e) {
            throw new GitException("--git: cannot open the repository: " + e.getMessage());
        }
    }

    /** The commit a revision names, or why it names none. */
    static ObjectId commit(Repository repo, String rev) throws GitException {
        try {
            ObjectId id = repo.resolve(rev + "^{commit}");
            if (id == null) throw new GitException("--git: unknown revision " + dev.netc.ir.Text.quote(rev));
            return id;
        } catch (RevisionSyntaxException | IOException e) {
            throw new GitException("--git: unknown revision " + dev.netc.ir.Text.quote(rev));
        }
    }

    /** The merge base of {@code rev} and {@code HEAD}: what a pull request from here into {@code rev} is reviewed against. */
    static ObjectId mergeBase(Repository repo, ObjectId rev) throws GitException {
        ObjectId head = commit(repo, Constants.HEAD);
        try (RevWalk w = new RevWalk(repo)) {
            w.setRevFilter(RevFilter.MERGE_BASE);
            w.markStart(w.parseCommit(rev));
            w.markStart(w.parseCommit(head));
            RevCommit base = w.next();
            if (base == null) throw new GitException("--git: " + rev.name() + " and HEAD have no merge base");
            return base;
        } catch (IOException e) {
            throw new GitException("--git: " + e.getMessage());
        }
    }

    /**
     * Writes the files of commit {@code id} under {@code paths} (repository-relative; all when empty) to {@code into},
     * regular files only, and returns the inputs to load there: one per path, or {@code into} itself.
     */
    static List<String> checkoutInto(Repository repo, ObjectId id, List<String> paths, Path into) throws GitException {
        try (RevWalk rw = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
            tw.addTree(rw.parseCommit(id).getTree());
            tw.setRecursive(true);
            if (!paths.isEmpty()) tw.setFilter(PathFilterGroup.createFromStrings(paths));
            while (tw.next()) {
                if (tw.getFileMode(0) != FileMode.REGULAR_FILE && tw.getFileMode(0) != FileMode.EXECUTABLE_FILE) continue;
                Path f = into.resolve(tw.getPathString()).normalize();
                if (!f.startsWith(into)) continue;
                Files.createDirectories(f.getParent());
                Files.write(f, repo.open(tw.getObjectId(0)).getBytes());
            }
        } catch (IOException e) {
            throw new GitException("--git: cannot read " + id.name() + ": " + e.getMessage());
        }
        if (paths.isEmpty()) return List.of(into.toString());
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            Path f = into.resolve(p).normalize();
            if (!Files.exists(f)) throw new GitException("--git: " + dev.netc.ir.Text.quote(p) + " is not in revision " + id.name());
            out.add(f.toString());
        }
        return out;
    }

    /** The inputs read from a scratch folder, renamed {@code path@REV} (what a diagnostic and an origin show). */
    static List<InputSource> renamed(List<InputSource> sources, Path scratch, String rev) {
        List<InputSource> out = new ArrayList<>();
        String prefix = scratch.toString() + "/";
        for (InputSource s : sources) {
            String p = s.path().startsWith(prefix) ? s.path().substring(prefix.length()) + "@" + rev : s.path();
            out.add(new InputSource(p, s.content(), s.found()));
        }
        return out;
    }

    /** {@code paths} as the repository names them: relative to its top folder, with forward slashes. */
    static List<String> repositoryPaths(Repository repo, Path cwd, List<String> paths) throws GitException {
        Path top = repo.getWorkTree().toPath().toAbsolutePath().normalize();
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            Path abs = cwd.toAbsolutePath().resolve(p).normalize();
            if (!abs.startsWith(top)) throw new GitException("--git: " + dev.netc.ir.Text.quote(p) + " is outside the repository " + top);
            String rel = top.relativize(abs).toString().replace('\\', '/');
            if (!rel.isEmpty()) out.add(rel);
        }
        return out;
    }
}
