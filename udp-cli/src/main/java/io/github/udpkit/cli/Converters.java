package io.github.udpkit.cli;

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
}
