package io.github.udpkit.cli;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.security.CidrRange;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for the command's own argument types, each failing with a message that names the value. */
final class Converters {

    private Converters() {
    }

    /** {@code HOST:PORT}, IPv6 as {@code [::1]:12000}. */
    static final class HostPortConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            try {
                return HostPort.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A local port to bind, 0 meaning one the system chooses. */
    static final class PortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int port;
            try {
                port = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a port number (0..65535)");
            }
            if (port < 0 || port > 65535) {
                throw new TypeConversionException("port must be in 0..65535: " + value);
            }
            return port;
        }
    }

    /** A count or limit that must be at least 1. */
    static final class PositiveIntConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 1) {
                throw new TypeConversionException("must be at least 1: " + value);
            }
            return n;
        }
    }

    /**
     * A delivery mode as the command writes it: {@code raw}, {@code unreliable}, {@code sequenced},
     * {@code reliable-unordered}, {@code reliable} (case and {@code -}/{@code _} do not matter).
     */
    static final class ModeConverter implements ITypeConverter<DeliveryMode> {
        @Override
        public DeliveryMode convert(String value) {
            String key = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (DeliveryMode m : DeliveryMode.values()) {
                if (m.name().equals(key)) {
                    return m;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a delivery mode: use one of "
                    + String.join(", ", ModeNames.NAMES));
        }

        /** The name the command uses for a mode: {@code reliable-unordered}. */
        static String name(DeliveryMode mode) {
            return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The modes' names, for the help's {@code ${COMPLETION-CANDIDATES}} and shell completion. */
    static final class ModeNames implements Iterable<String> {
        static final List<String> NAMES = Arrays.stream(DeliveryMode.values())
                .map(ModeConverter::name).toList();

        @Override
        public Iterator<String> iterator() {
            return NAMES.iterator();
        }
    }

    /** A probability: {@code 0.2} or {@code 20%}, from 0 to 1. */
    static final class ProbabilityConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String text = value.strip();
            boolean percent = text.endsWith("%");
            BigDecimal p;
            try {
                p = new BigDecimal(percent ? text.substring(0, text.length() - 1).strip() : text);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a probability: use e.g. 0.2 or 20%");
            }
            if (percent) {
                p = p.movePointLeft(2);
            }
            if (p.signum() < 0 || p.compareTo(BigDecimal.ONE) > 0) {
                throw new TypeConversionException("probability must be in 0..1 (0%..100%): " + value);
            }
            return p.doubleValue();
        }
    }

    /** An IPv4 or IPv6 CIDR range, {@code 10.0.0.0/8}, {@code fd00::/8}, or a single address. */
    static final class CidrConverter implements ITypeConverter<CidrRange> {
        @Override
        public CidrRange convert(String value) {
            try {
                return CidrRange.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
