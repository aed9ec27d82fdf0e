package dev.herald.bgp.message;

/** KEEPALIVE: a header and nothing else. */
public record KeepaliveMessage() implements BgpMessage {
    public static final KeepaliveMessage INSTANCE = new KeepaliveMessage();

    @Override
    public int type() {
        return KEEPALIVE;
    }
}
