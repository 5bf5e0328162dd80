package dev.netc.applier.nginx;

import dev.netc.applier.ApplyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code nginx.conf} may say, judged on its content before {@code nginx -t} sees it (a re-hashed
 * manifest proves nothing, and {@code nginx -t} itself opens the logs, pid, temp folders, certificates,
 * includes and modules a config names). An allow-list of the directives the nginx backend writes, each in the
 * block it writes it in, with arguments of the shape it writes: the files nginx keeps for itself have the
 * names the backend gives them (relative, so under the prefix), certificates and keys are files of the
 * release itself, and no address is a unix socket. Anything else ({@code include}, {@code load_module},
 * {@code access_log /tmp/x}, lua, perl, …) is refused (exit 5) with its line.
 */
public final class NginxGuard {
    /** Block to the directives allowed in it ({@code events}, {@code http}, … are blocks themselves). */
    static final Map<String, Set<String>> ALLOWED = Map.of(
            "", Set.of("worker_processes", "pid", "error_log", "events", "http"),
            "events", Set.of("worker_connections"),
            "http", Set.of("access_log", "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path",
                    "scgi_temp_path", "server_names_hash_bucket_size", "proxy_http_version", "proxy_set_header", "upstream", "server"),
            "upstream", Set.of("server"),
            "server", Set.of("listen", "server_name", "ssl_certificate", "ssl_certificate_key", "location"),
            "location", Set.of("allow", "deny", "client_max_body_size", "proxy_pass", "return", "rewrite"));
    static final Set<String> BLOCKS = Set.of("events", "http", "upstream", "server", "location");
    /** nginx's own files: exactly the names the backend writes (relative: under the prefix nginx runs with). */
    static final Map<String, Set<String>> OWN_FILES = Map.of(
            "pid", Set.of("nginx.pid"),
            "error_log", Set.of("error.log"),
            "access_log", Set.of("access.log", "off"),
            "client_body_temp_path", Set.of("client_body_temp"),
            "proxy_temp_path", Set.of("proxy_temp"),
            "fastcgi_temp_path", Set.of("fastcgi_temp"),
            "uwsgi_temp_path", Set.of("uwsgi_temp"),
            "scgi_temp_path", Set.of("scgi_temp"));
    static final Set<String> LOG_LEVELS = Set.of("debug", "info", "notice", "warn", "error", "crit", "alert", "emerg");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");
    private static final Pattern SIZE = Pattern.compile("\\d{1,12}[kKmMgG]?");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern URL = Pattern.compile("https?://[^\\s;{}'\"\\\\]+");

    private NginxGuard() {
    }

    /** A directive: its name, its arguments (quotes removed) and its line; {@code block} when it opens one. */
    record Directive(String name, List<String> args, int line, boolean block) {
    }

    /**
     * Refuses the config unless every directive is one the backend writes, in its block, with arguments of
     * the backend's shape; {@code releaseFiles} are the names of the bundle's files (nginx.conf, *.crt, *.key).
     */
    public static void check(String path, String conf, Set<String> releaseFiles) throws ApplyException {
        List<String> stack = new ArrayList<>();
        stack.add("");
        Tokens t = new Tokens(path, conf);
        List<String> words = new ArrayList<>();
        int line = 0;
        while (true) {
            Tokens.Tok tok = t.next();
            if (tok == null) break;
            if (tok.word() != null) {
                if (words.isEmpty()) line = tok.line();
                words.add(tok.word());
                continue;
            }
            char p = tok.punct();
            if (p == '}') {
                if (!words.isEmpty()) throw refused(path, tok.line(), "a directive without ';' before '}'");
                if (stack.size() == 1) throw refused(path, tok.line(), "'}' closes nothing");
                stack.remove(stack.size() - 1);
                continue;
            }
            if (words.isEmpty()) throw refused(path, tok.line(), "'" + p + "' without a directive");
            Directive d = new Directive(words.get(0), List.copyOf(words.subList(1, words.size())), line, p == '{');
            words.clear();
            String in = stack.get(stack.size() - 1);
            directive(path, in, d, releaseFiles);
            if (d.block()) stack.add(d.name());
        }
        if (!words.isEmpty()) throw refused(path, line, "a directive without ';' at the end");
        if (stack.size() != 1) throw refused(path, line, "a block '" + stack.get(stack.size() - 1) + "' is not closed");
    }

    private static void directive(String path, String in, Directive d, Set<String> releaseFiles) throws ApplyException {
        Set<String> allowed = ALLOWED.get(in);
        String what = d.name() + (d.args().isEmpty() ? "" : " " + String.join(" ", d.args()));
        if (allowed == null || !allowed.contains(d.name())) {
            throw refused(path, d.line(), "'" + d.name() + "' is not a directive the nginx backend writes" + (in.isEmpty() ? "" : " in " + in)
                    + ": " + clip(what));
        }
        boolean shouldBlock = switch (d.name()) {
            case "events", "http", "upstream", "location" -> true;
            case "server" -> !in.equals("upstream");
            default -> false;
        };
        if (d.block() != shouldBlock) throw refused(path, d.line(), "'" + d.name() + "' " + (d.block() ? "opens a block" : "needs a block") + " here");
        List<String> a = d.args();
        boolean ok = switch (d.name()) {
            case "events", "http" -> a.isEmpty();
            case "worker_processes" -> a.size() == 1 && (NUMBER.matcher(a.get(0)).matches() || a.get(0).equals("auto"));
            case "worker_connections", "server_names_hash_bucket_size" -> a.size() == 1 && NUMBER.matcher(a.get(0)).matches();
            case "pid", "access_log", "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path" ->
                    a.size() == 1 && OWN_FILES.get(d.name()).contains(a.get(0));
            case "error_log" -> (a.size() == 1 || a.size() == 2 && LOG_LEVELS.contains(a.get(1))) && OWN_FILES.get("error_log").contains(a.get(0));
            case "proxy_http_version" -> a.equals(List.of("1.1")) || a.equals(List.of("1.0"));
            case "proxy_set_header" -> a.size() == 2 && HEADER.matcher(a.get(0)).matches();
            case "upstream" -> a.size() == 1;
            case "server" -> in.equals("upstream") ? a.size() >= 1 && address(a.get(0)) && a.subList(1, a.size()).stream().allMatch(NginxGuard::serverParam)
                    : a.isEmpty();
            case "listen" -> a.size() >= 1 && address(a.get(0))
                    && a.subList(1, a.size()).stream().allMatch(x -> Set.of("default_server", "ssl", "http2", "ipv6only=on", "ipv6only=off").contains(x));
            case "server_name" -> !a.isEmpty();
            case "ssl_certificate", "ssl_certificate_key" -> a.size() == 1 && releaseFiles.contains(a.get(0)) && !a.get(0).equals("nginx.conf");
            case "location" -> a.size() == 1 || a.size() == 2 && Set.of("=", "~", "~*", "^~").contains(a.get(0));
            case "allow", "deny" -> a.size() == 1 && a.get(0).matches("all|[0-9a-fA-F:.]+(/\\d{1,3})?");
            case "client_max_body_size" -> a.size() == 1 && SIZE.matcher(a.get(0)).matches();
            case "proxy_pass" -> a.size() == 1 && URL.matcher(a.get(0)).matches() && !a.get(0).contains("unix:");
            case "return" -> (a.size() == 1 || a.size() == 2) && a.get(0).matches("\\d{3}");
            case "rewrite" -> a.size() == 3 && a.get(2).equals("break");
            default -> false;
        };
        if (!ok) throw refused(path, d.line(), "'" + d.name() + "' with arguments the nginx backend does not write: " + clip(what));
    }

    /** host:port, [v6]:port, a port, or an address: never a unix socket (a file anywhere). */
    private static boolean address(String s) {
        return !s.startsWith("unix:") && s.matches("[A-Za-z0-9.:\\[\\]_-]+");
    }

    private static boolean serverParam(String s) {
        return s.matches("(weight|max_fails|fail_timeout|max_conns)=\\w+|backup|down");
    }

    private static ApplyException refused(String path, int line, String why) {
        return ApplyException.refused(path + ":" + line + ": " + why + "; refused before nginx -t (netc's nginx config names only files of its release)");
    }

    static String clip(String s) {
        return s.length() <= 100 ? s : s.substring(0, 80) + "… (" + s.length() + " characters)";
    }

    /** nginx's lexer: words (bare or quoted, with backslash escapes), ';', '{', '}', '#' comments. */
    static final class Tokens {
        record Tok(String word, char punct, int line) {
        }

        private final String path;
        private final String s;
        private int i;
        private int line = 1;

        Tokens(String path, String s) {
            this.path = path;
            this.s = s;
        }

        Tok next() throws ApplyException {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '#') {
                    while (i < s.length() && s.charAt(i) != '\n') i++;
                } else {
                    break;
                }
            }
            if (i >= s.length()) return null;
            char c = s.charAt(i);
            if (c == ';' || c == '{' || c == '}') {
                i++;
                return new Tok(null, c, line);
            }
            int start = line;
            StringBuilder b = new StringBuilder();
            if (c == '"' || c == '\'') {
                i++;
                while (true) {
                    if (i >= s.length()) throw refused(path, start, "an unterminated string");
                    char x = s.charAt(i++);
                    if (x == c) break;
                    if (x == '\\' && i < s.length()) x = s.charAt(i++);
                    if (x == '\n') line++;
                    b.append(x);
                }
                return new Tok(b.toString(), '\0', start);
            }
            while (i < s.length()) {
                char x = s.charAt(i);
                if (Character.isWhitespace(x) || x == ';' || x == '{' || x == '}' || x == '"' || x == '\'') break;
                if (x == '\\' && i + 1 < s.length()) {
                    b.append(s.charAt(i + 1));
                    i += 2;
                    continue;
                }
                b.append(x);
                i++;
            }
            return new Tok(b.toString(), '\0', start);
        }
    }
}
