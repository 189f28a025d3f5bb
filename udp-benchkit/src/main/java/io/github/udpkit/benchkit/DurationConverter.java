package io.github.udpkit.benchkit;

import io.github.udpkit.core.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Reads a duration option of the benchmark commands in the grammar of every udpkit command
 * ({@link Durations}: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, or ISO-8601 such as
 * {@code PT1.5S}); zero is allowed, for a warm-up of {@code 0s}.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    /** Creates the converter; picocli instantiates it. */
    public DurationConverter() {
    }

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parseAllowingZero(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
