package io.github.udpkit.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code long} parameter of a test (or its constructor or lifecycle method) that
 * {@link SimulationSeedExtension} fills with the run's simulation seed.
 *
 * <pre>{@code
 * @ExtendWith(SimulationSeedExtension.class)
 * class ReliableDeliveryTest {
 *     @Test
 *     void shouldDeliverInOrderUnderLoss(@SimulationSeed long seed) {
 *         SimulatedNetwork net = SimulatedNetwork.builder().seed(seed)...build();
 *     }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface SimulationSeed {
}
