package dev.netc.cli;

import dev.netc.ir.Text;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code netc} command. Exit codes: 0 ok, 1 the input has errors, 2 usage, 70 internal error. */
@Command(name = "netc", mixinStandardHelpOptions = true, versionProvider = Netc.Version.class,
        description = "Compiles Kubernetes network intent into iptables, nftables, IPVS and nginx rulesets.",
        subcommands = {CompileCommand.class, ExplainCommand.class, DiffCommand.class, ApplyCommand.class, KeygenCommand.class, FmtCommand.class,
                ConvertCommand.class, CommandLine.HelpCommand.class})
public final class Netc implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_INPUT_ERRORS = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_INTERNAL = 70;
    public static final int EXIT_OUTPUT = 74;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try: netc compile --help)");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; used by {@link #main} and by tests. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Netc());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Only netc's own bugs get here: input mistakes are diagnostics. Say so, keep the trace out of sight.
            commandLine.getErr().println("netc: internal error: " + Text.sanitize(String.valueOf(e)));
            if (System.getenv("NETC_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            return EXIT_INTERNAL;
        });
        // picocli's usage messages quote the arguments they refuse: escaped, like every echo of user text.
        cl.setParameterExceptionHandler((ex, rest) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getColorScheme().errorText(Text.sanitize(String.valueOf(ex.getMessage()))));
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) c.usage(c.getErr(), c.getColorScheme());
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Netc.class.getPackage().getImplementationVersion();
            return new String[] {"netc " + (v == null ? "dev" : v)};
        }
    }
}
