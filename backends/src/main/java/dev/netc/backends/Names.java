package dev.netc.backends;

import dev.netc.ir.ContentHash;
import java.util.regex.Pattern;

/**
 * The one place generated names come from, and the limits of the tools that read them. Every name is derived
 * from the full identity of what it names, so two distinct objects never share a name:
 * <ul>
 * <li>a fixed prefix (a named constant of the backend) says what kind of thing it is;</li>
 * <li>{@link #hash} — netc's one content hash, kube-proxy's: the first 16 characters of the base32 (RFC 4648)
 *     encoding of the SHA-256 — of an unambiguous encoding of the identity ({@link #identity}, or kube-proxy's
 *     own key where kube-proxy's names are kept);</li>
 * <li>a readable rendering of the identity, cut to what the tool allows.</li>
 * </ul>
 */
public final class Names {
    /** nft: chain, set and map names are at most NFT_NAME_MAXLEN (256) bytes with the terminating NUL. */
    public static final int NFT_MAX_BYTES = 255;
    /** iptables: a chain name must be under 29 characters. */
    public static final int IPTABLES_CHAIN_MAX = 28;
    /** ipset: IPSET_MAXNAMELEN is 32 with the terminating NUL. */
    public static final int IPSET_MAX = 31;
    /** A file name (NAME_MAX). */
    public static final int FILE_NAME_MAX_BYTES = 255;
    /** Characters of {@link #hash} kube-proxy's nftables names carry in front of their readable part. */
    public static final int SHORT_HASH = 8;
    /** Characters of {@link #hash}: 80 bits. */
    public static final int HASH = 16;

    private Names() {
    }

    /** The content hash ({@link ContentHash}): 16 characters of the base32 of the SHA-256 of {@code s} (kube-proxy's portProtoHash). */
    public static String hash(String s) {
        return ContentHash.base32(s, HASH);
    }

    /**
     * An unambiguous encoding of an identity made of several strings, whatever they contain: each part as its
     * length, {@code ':'} and the part. {@code ("a-b", "c")} and {@code ("a", "b-c")} differ.
     */
    public static String identity(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) b.append(p.length()).append(':').append(p);
        return b.toString();
    }

    /** What an nft identifier may hold after its first letter (nft's scanner); anything else is replaced. */
    public static final Pattern NFT_OTHER = Pattern.compile("[^A-Za-z0-9/._-]");

    /** {@code s} with every match of {@code other} (one character each) replaced by {@code _}, cut to {@code max} characters. */
    public static String readable(String s, Pattern other, int max) {
        String r = other.matcher(s).replaceAll("_");
        return r.length() <= max ? r : r.substring(0, max);
    }

    /**
     * The shared part of nft names in kube-proxy's nftables manner: {@code HASH8-readable} (the first 8
     * characters of the hash of {@code key}, then {@code readable}) when that, after the longest prefix the
     * caller puts in front, fits nft's limit and the readable part holds only identifier characters; otherwise
     * {@code HASH16-} and the readable part made safe and cut to fit. The two forms never meet (the ninth
     * character is {@code -} in the first and a base32 character in the second), and within each form the
     * hash is of the whole identity: {@code key} must encode it unambiguously.
     */
    public static String nftBase(String key, String readable, int longestPrefix) {
        String h = hash(key);
        String shortForm = h.substring(0, SHORT_HASH) + "-" + readable;
        if (nftIdentifier(readable) && longestPrefix + shortForm.length() <= NFT_MAX_BYTES) return shortForm;
        return h + "-" + readable(readable, NFT_OTHER, NFT_MAX_BYTES - longestPrefix - HASH - 1);
    }

    /** Whether {@code s} holds only what {@link #NFT_OTHER} leaves alone (a loop: this runs for every nft name). */
    private static boolean nftIdentifier(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/'
                    || c == '.' || c == '_' || c == '-';
            if (!ok) return false;
        }
        return true;
    }
}
