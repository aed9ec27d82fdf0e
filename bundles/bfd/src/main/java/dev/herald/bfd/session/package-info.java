/**
 * The BFD session state machine of RFC 5880 §6.8 in plain Java: {@link dev.herald.bfd.session.BfdStateMachine}
 * runs one session (three-way handshake, timer negotiation, Poll/Final, detection) on an injected
 * {@link dev.herald.bfd.session.BfdScheduler} and sends through a {@link dev.herald.bfd.session.PacketSender}, so it
 * runs the same on a Netty event loop and under a test's fake clock.
 *
 * <p>The scheduler, the packet sender and the {@link dev.herald.bfd.session.BfdStateListener} are implemented by
 * whoever runs a state machine (this bundle's transport, a backend, a test), so they are {@code @ConsumerType};
 * the values and the state machine itself are {@code @ProviderType}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.herald.bfd.session;
