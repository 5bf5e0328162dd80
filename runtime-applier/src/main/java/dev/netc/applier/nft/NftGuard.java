package dev.netc.applier.nft;

import dev.netc.applier.ApplyException;
import dev.netc.applier.nft.NftRuleset.Chain;
import dev.netc.applier.nft.NftRuleset.Command;
import dev.netc.applier.nft.NftRuleset.Element;
import dev.netc.applier.nft.NftRuleset.NSet;
import dev.netc.applier.nft.NftRuleset.Other;
import dev.netc.applier.nft.NftRuleset.Stmt;
import dev.netc.applier.nft.NftRuleset.Table;
import dev.netc.applier.nft.NftRuleset.TableId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * What an nftables artifact must be before any of it reaches libnftables, judged on its content (the
 * manifest's digests say only that nobody changed the file since it was listed, and anyone who can write OUT
 * can re-list it):
 * <ul>
 * <li><b>Ownership</b> (refused, exit 5): every table it creates, flushes or deletes is one of netc's
 * ({@code ip netc}, {@code ip6 netc}, {@code inet netc}); no statement reads a file or rewrites the text
 * ({@code include}, {@code define}).</li>
 * <li><b>What libnftables 1.0.6 cannot survive</b> (rejected, exit 1): a name over 255 bytes (a jump or goto
 * to it makes nft assert in {@code netlink_gen_chain}), a string over 128 bytes, and the statements netc never
 * writes whose arguments overflow nft's fixed buffers ({@code log prefix} over 127 bytes and a
 * {@code devices} name over 15 smash its stack; {@code fwd}/{@code dup} take device names too). The
 * library runs inside the applier's JVM: an abort there would kill it between the pending mark and the
 * record of the apply.</li>
 * </ul>
 */
public final class NftGuard {
    /** The tables netc writes. */
    public static final String TABLE = "netc";
    static final Set<String> FAMILIES = Set.of("ip", "ip6", "inet");
    /** NFT_NAME_MAXLEN (256) counts the terminating NUL. */
    public static final int MAX_NAME = 255;
    /** NFTNL_UDATA_COMMENT_MAXLEN: the longest comment nft accepts; netc writes no longer string. */
    public static final int MAX_STRING = 128;
    /** Keywords that read files or substitute text: what the applier checks would not be what nft loads. */
    static final Set<String> FOREIGN_INPUT = Set.of("include", "define", "redefine", "undefine");
    /** Statements netc never writes and whose arguments crash libnftables 1.0.6 when long (stack smashing, SIGSEGV). */
    static final Set<String> UNSAFE = Set.of("log", "devices", "fwd", "dup", "socket", "osf", "synproxy", "secmark");

    private NftGuard() {
    }

    public static boolean owned(TableId id) {
        return id.name().equals(TABLE) && FAMILIES.contains(id.family());
    }

    /** Refuses (exit 5) foreign tables and file reads; rejects (exit 1) what would abort libnftables. */
    public static void check(String path, NftRuleset r) throws ApplyException {
        for (Command c : r.commands()) {
            if (c.table().isPresent() && !owned(c.table().get())) {
                throw ApplyException.refused(path + ":" + c.line() + ": table " + c.table().get() + " is not netc's (netc owns only the tables named "
                        + TABLE + "); refused: " + clip(c.text()));
            }
        }
        for (Table t : r.tables().values()) {
            statements(path, t.attributes());
            for (Chain c : t.chains().values()) {
                name(path, c.line(), "chain", c.name());
                statements(path, c.header());
                statements(path, c.rules());
            }
            for (NSet s : t.sets().values()) {
                name(path, s.line(), s.keyword(), s.name());
                statements(path, s.declaration());
                for (Element e : s.elements()) statement(path, e.text(), e.line());
            }
            for (Other o : t.others().values()) {
                String[] kn = o.header().split(" ");
                name(path, o.line(), o.header(), kn[kn.length - 1]);
                statements(path, o.body());
            }
        }
    }

    private static void statements(String path, List<Stmt> stmts) throws ApplyException {
        for (Stmt s : stmts) statement(path, s.text(), s.line());
    }

    static void statement(String path, String text, int line) throws ApplyException {
        List<String> tokens = NftRuleset.tokens(text);
        for (int i = 0; i < tokens.size(); i++) {
            String tok = tokens.get(i);
            if (tok.startsWith("\"")) {
                if (bytes(tok) - 2 > MAX_STRING) {
                    throw ApplyException.rejected(path + ":" + line + ": a string of " + (bytes(tok) - 2) + " bytes (nft takes at most "
                            + MAX_STRING + "); libnftables is not given it");
                }
                continue;
            }
            String word = strip(tok);
            if (FOREIGN_INPUT.contains(word)) {
                throw ApplyException.refused(path + ":" + line + ": '" + word + "' reads or rewrites input netc did not check; refused");
            }
            if (UNSAFE.contains(word)) {
                throw ApplyException.rejected(path + ":" + line + ": '" + word + "' is not a statement netc writes (libnftables 1.0.6 "
                        + "overflows a buffer on some of its arguments); libnftables is not given it");
            }
            if ((word.equals("jump") || word.equals("goto")) && i + 1 < tokens.size()) {
                name(path, line, "chain (" + word + " target)", strip(tokens.get(i + 1)));
            }
            String bare = word.startsWith("@") ? word.substring(1) : word;
            if (bytes(bare) > MAX_NAME) {
                throw ApplyException.rejected(path + ":" + line + ": a name of " + bytes(bare) + " bytes (nft takes at most " + MAX_NAME
                        + "): " + clip(bare) + "; libnftables is not given it");
            }
        }
    }

    private static void name(String path, int line, String what, String name) throws ApplyException {
        String n = name.startsWith("\"") && name.endsWith("\"") && name.length() >= 2 ? name.substring(1, name.length() - 1) : name;
        if (bytes(n) > MAX_NAME) {
            throw ApplyException.rejected(path + ":" + line + ": " + what + " name of " + bytes(n) + " bytes (nft takes at most " + MAX_NAME
                    + "): " + clip(n) + "; libnftables is not given it");
        }
    }

    /** A token without the punctuation an element list or a map leaves on it. */
    private static String strip(String tok) {
        int e = tok.length();
        while (e > 0 && ",;}{)(".indexOf(tok.charAt(e - 1)) >= 0) e--;
        int b = 0;
        while (b < e && "{(".indexOf(tok.charAt(b)) >= 0) b++;
        return tok.substring(b, e);
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 60) + "… (" + s.length() + " characters)";
    }
}
