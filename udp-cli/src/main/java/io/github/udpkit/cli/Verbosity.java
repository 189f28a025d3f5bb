package io.github.udpkit.cli;

/**
 * Sets up slf4j-simple's log level from {@code -v} flags before the first logger exists, which is the
 * only time slf4j-simple reads its configuration: warnings by default, debug with {@code -v}, trace
 * with {@code -vv}. Logs go to standard error; a {@code -Dorg.slf4j.simpleLogger...} given to the JVM wins.
 */
final class Verbosity {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Verbosity() {
    }

    /** Counts {@code -v}, {@code -vv}, {@code --verbose} in the arguments, stopping at {@code --}. */
    static int count(String[] args) {
        int n = 0;
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--verbose")) {
                n++;
            } else if (a.matches("-v+")) {
                n += a.length() - 1;
            }
        }
        return n;
    }

    /** The slf4j-simple level for a verbosity. */
    static String level(int verbosity) {
        return verbosity <= 0 ? "warn" : verbosity == 1 ? "debug" : "trace";
    }

    /** Configures slf4j-simple; call before anything creates a logger. */
    static void configureLogging(int verbosity) {
        setDefault("defaultLogLevel", level(verbosity));
        setDefault("logFile", "System.err");
        setDefault("showDateTime", "true");
        setDefault("dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("showThreadName", verbosity > 1 ? "true" : "false");
        setDefault("showShortLogName", "true");
        setDefault("levelInBrackets", "true");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
