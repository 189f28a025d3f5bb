package io.github.udpkit.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}, or ISO-8601 such as
 * {@code PT2S}. Durations must be positive and at most a day, so every wait the command makes is bounded.
 */
final class Durations implements ITypeConverter<Duration> {

    static final Duration MAX = Duration.ofDays(1);
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    static Duration parse(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = SHORT.matcher(text);
        if (m.matches()) {
            BigDecimal n = new BigDecimal(m.group(1));
            long unitNanos = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            BigDecimal nanos = n.multiply(BigDecimal.valueOf(unitNanos));
            if (nanos.compareTo(BigDecimal.valueOf(MAX.toNanos())) > 0) {
                throw tooLong(value);
            }
            d = Duration.ofNanos(nanos.longValue());
        } else if (text.startsWith("p") || text.startsWith("-p") || text.startsWith("+p")) {
            try {
                d = Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw invalid(value);
            }
        } else {
            throw invalid(value);
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("duration must be positive: '" + value + "'");
        }
        if (d.compareTo(MAX) > 0) {
            throw tooLong(value);
        }
        return d;
    }

    /** A duration as the user would write it: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 2m}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0) {
            return (ms / 60_000) + "m";
        }
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return String.format(Locale.ROOT, "%.3fs", ms / 1000.0).replaceAll("0+s$", "s");
    }

    private static IllegalArgumentException tooLong(String value) {
        return new IllegalArgumentException("duration must be at most 1 day: '" + value + "'");
    }

    private static IllegalArgumentException invalid(String value) {
        return new IllegalArgumentException(
                "'" + value + "' is not a duration: use e.g. 500ms, 2s, 1m, 1h or ISO-8601 PT2S");
    }
}
