package io.github.udpkit.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way udpkit reads a duration a person typed (the {@code udpkit} command's options, the
 * benchmark harness's), and writes one back.
 *
 * <p>The grammar: a number and a unit, {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m},
 * {@code 1h} (up to nine digits, an optional fraction of up to nine, units in either case), or
 * ISO-8601 as {@link Duration#parse} reads it, such as {@code PT2S} or {@code pt0.25s}. Spaces
 * around the text are ignored. A duration is never negative and never longer than {@link #MAX}, a
 * day, so every wait it sets is bounded.
 *
 * @since 0.1.0
 */
public final class Durations {

    /** The longest duration accepted: one day. */
    public static final Duration MAX = Duration.ofDays(1);

    /** The forms, as error messages name them. */
    private static final String FORMS = "500ms, 2s, 1.5s, 1m, 1h or ISO-8601 PT2S";
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)(ms|s|m|h)");

    private Durations() {
    }

    /**
     * Reads a positive duration.
     *
     * @param text the text, like {@code 2s}
     * @return the duration, positive and at most {@link #MAX}
     * @throws IllegalArgumentException naming the text and the accepted forms, if it is not a
     *     duration, is zero or negative, or is longer than a day
     */
    public static Duration parse(String text) {
        Duration d = read(text);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("duration must be positive: '" + text + "'");
        }
        return d;
    }

    /**
     * Reads a duration that may be zero, for a setting where zero means none (a warm-up of
     * {@code 0s}).
     *
     * @param text the text, like {@code 0s} or {@code 2s}
     * @return the duration, from zero to {@link #MAX}
     * @throws IllegalArgumentException naming the text and the accepted forms, if it is not a
     *     duration, is negative, or is longer than a day
     */
    public static Duration parseAllowingZero(String text) {
        Duration d = read(text);
        if (d.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative: '" + text + "'");
        }
        return d;
    }

    /** The grammar and the upper bound; the sign is the caller's to check. */
    private static Duration read(String text) {
        String lower = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = SHORT.matcher(lower);
        if (m.matches()) {
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            }));
            if (nanos.compareTo(BigDecimal.valueOf(MAX.toNanos())) > 0) {
                throw tooLong(text);
            }
            d = Duration.ofNanos(nanos.longValue());
        } else if (lower.startsWith("p") || lower.startsWith("-p") || lower.startsWith("+p")) {
            try {
                d = Duration.parse(lower);
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        } else {
            throw invalid(text);
        }
        if (d.compareTo(MAX) > 0) {
            throw tooLong(text);
        }
        return d;
    }

    /**
     * Writes a duration as a person would: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 2m}, in
     * whole milliseconds.
     *
     * @param d the duration, not negative
     * @return its text, which {@link #parseAllowingZero} reads back
     */
    public static String format(Duration d) {
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

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("duration must be at most 1 day: '" + text + "'");
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: use e.g. " + FORMS);
    }
}
