package io.github.udpkit.cli;

import io.github.udpkit.core.security.AddressFilter;
import io.github.udpkit.core.security.CidrRange;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --allow CIDR} and {@code --deny CIDR} of the serving commands (echo-server, listen): which
 * sources may reach them, checked for every datagram before it is parsed. A picocli mixin; a bad
 * range fails the parse with one line naming it.
 */
final class FilterOptions {

    @Option(names = "--allow", paramLabel = "CIDR", converter = Converters.CidrConverter.class,
            description = "Accept only sources in this range (repeatable), e.g. 10.0.0.0/8, fd00::/8, 192.0.2.7. "
                    + "Default: every source.")
    private List<CidrRange> allow = new ArrayList<>();

    @Option(names = "--deny", paramLabel = "CIDR", converter = Converters.CidrConverter.class,
            description = "Drop sources in this range (repeatable); deny wins over --allow.")
    private List<CidrRange> deny = new ArrayList<>();

    /** The filter the options describe; {@link AddressFilter#allowAll()} when none was given. */
    AddressFilter filter() {
        AddressFilter.Builder b = AddressFilter.builder();
        allow.forEach(b::allow);
        deny.forEach(b::deny);
        return b.build();
    }

    /** Whether any range was given. */
    boolean given() {
        return !allow.isEmpty() || !deny.isEmpty();
    }
}
