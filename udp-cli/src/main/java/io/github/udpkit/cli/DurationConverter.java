package io.github.udpkit.cli;

import io.github.udpkit.core.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads every duration option of the {@code udpkit} command in the one grammar of {@link Durations}:
 * {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}, or ISO-8601 such as {@code PT2S};
 * positive and at most a day, so every wait the command makes is bounded.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    /** Creates the converter; picocli instantiates it. */
    public DurationConverter() {
    }

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
