package dev.netc.e2e.lab;

/** What one connection attempt found. */
public record Probe(Outcome outcome, String answeredBy, String seenSource, long millis) {
    public enum Outcome { ANSWERED, REFUSED, UNREACHABLE, TIMEOUT }

    public boolean answered() {
        return outcome == Outcome.ANSWERED;
    }

    @Override
    public String toString() {
        return outcome == Outcome.ANSWERED ? answeredBy + " (saw " + seenSource + ", " + millis + " ms)" : outcome + " (" + millis + " ms)";
    }
}
