package io.github.udpkit.benchkit;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads a duration option: {@code 250ms}, {@code 2s}, {@code 1m}, or ISO-8601 such as {@code PT1.5S}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m)");

    /** Creates the converter; picocli instantiates it. */
    public DurationConverter() {
    }

    @Override
    public Duration convert(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(text);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        }
        try {
            return Duration.parse(value.trim());
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException(
                    "not a duration (like 500ms, 2s, 1m or PT1.5S): '" + value + "'");
        }
    }
}
