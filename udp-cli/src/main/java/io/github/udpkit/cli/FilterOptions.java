package io.github.udpkit.cli;

import io.github.udpkit.core.security.AddressFilter;
import io.github.udpkit.core.security.CidrRange;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --allow CIDR} and {@code --deny CIDR} of the serving commands (echo-server, listen, chat-server): which
 * sources may reach them, checked for every datagram before it is parsed. A picocli mixin; a bad
 * range fails the parse with one line naming it.
 */
public final class FilterOptions {

    @Option(names = "--allow", paramLabel = "CIDR", converter = Converters.CidrConverter.class,
            description = "Accept only sources in this range (repeatable), e.g. 10.0.0.0/8, fd00::/8, 192.0.2.7. "
                    + "Default: every source.")
    private List<CidrRange> allow = new ArrayList<>();

    @Option(names = "--deny", paramLabel = "CIDR", converter = Converters.CidrConverter.class,
            description = "Drop sources in this range (repeatable); deny wins over --allow.")
    private List<CidrRange> deny = new ArrayList<>();

    /** Creates the options; picocli sets them. */
    public FilterOptions() {
    }

    /**
     * The filter the options describe.
     *
     * @return the filter; {@link AddressFilter#allowAll()} when none was given
     */
    public AddressFilter filter() {
        AddressFilter.Builder b = AddressFilter.builder();
        allow.forEach(b::allow);
        deny.forEach(b::deny);
        return b.build();
    }

    /**
     * The filter the options describe, starting from {@code defaults} where no {@code --allow} was
     * given: {@code --allow} replaces the default ranges, {@code --deny} is taken from them.
     *
     * @param defaults the ranges allowed when no {@code --allow} is given
     * @return the filter
     */
    public AddressFilter narrowing(AddressFilter defaults) {
        AddressFilter.Builder b = AddressFilter.builder();
        (allow.isEmpty() ? defaults.allowList() : allow).forEach(b::allow);
        defaults.denyList().forEach(b::deny);
        deny.forEach(b::deny);
        return b.build();
    }

    /**
     * Whether any range was given.
     *
     * @return true if {@code --allow} or {@code --deny} was
     */
    public boolean given() {
        return !allow.isEmpty() || !deny.isEmpty();
    }
}
