package dev.herald.bgp.session;

import dev.herald.bgp.message.BgpMessage;

/** A peer listener for tests that look at the peer's state, not at what it reports (or override what they need). */
class QuietListener implements BgpPeer.Listener {
    static final QuietListener INSTANCE = new QuietListener();

    @Override
    public void established(BgpPeer peer, BgpConnection connection) {
    }

    @Override
    public void received(BgpPeer peer, BgpConnection connection, BgpMessage message) {
    }

    @Override
    public void writable(BgpPeer peer, BgpConnection connection) {
    }

    @Override
    public void down(BgpPeer peer, CloseReason reason) {
    }
}
