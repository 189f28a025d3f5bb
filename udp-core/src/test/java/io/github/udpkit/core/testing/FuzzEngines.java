package io.github.udpkit.core.testing;

import io.github.udpkit.core.protocol.EngineConfig;

/**
 * The engine the datagram fuzz harnesses (plain and encrypted) feed, and the bounds they check it
 * against: one place, so the two harnesses hold the engine to the same promise.
 */
public final class FuzzEngines {
    /** The largest message the fuzzed engine accepts. */
    public static final int MAX_MESSAGE = 64 * 1024;
    /** The largest datagram it may send. */
    public static final int MAX_DATAGRAM = 1200;
    /** What one datagram may allocate: one reassembly buffer, plus a peer's state with small windows (some 40 KiB) and slack. */
    public static final long ALLOCATION_BOUND = MAX_MESSAGE + 128 * 1024;

    private FuzzEngines() {
    }

    /**
     * The fuzzed engine's settings: small windows and few peers, so that one datagram's worst case
     * stays within {@link #ALLOCATION_BOUND}. The caller sets the protection.
     *
     * @return a builder
     */
    public static EngineConfig.Builder config() {
        return EngineConfig.builder()
                .maxMessageSize(MAX_MESSAGE).maxDatagramSize(MAX_DATAGRAM).receiveWindow(64).maxPeers(4)
                .reassemblyBytesPerPeer(2L * MAX_MESSAGE).reassemblyBytesTotal(2L * MAX_MESSAGE);
    }
}
