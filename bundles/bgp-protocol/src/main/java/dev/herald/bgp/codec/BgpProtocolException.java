package dev.herald.bgp.codec;

import dev.herald.bgp.message.NotificationMessage;
import org.osgi.annotation.versioning.ProviderType;

/** Input that breaks the protocol so that the session must end with this NOTIFICATION. */
@ProviderType
public final class BgpProtocolException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient NotificationMessage notification;

    public BgpProtocolException(int code, int subcode, byte[] data, String detail) {
        super(detail);
        this.notification = new NotificationMessage(code, subcode, data);
    }

    public BgpProtocolException(int code, int subcode, String detail) {
        this(code, subcode, new byte[0], detail);
    }

    public NotificationMessage notification() {
        return notification;
    }

    @Override
    public String getMessage() {
        return super.getMessage() + " (" + NotificationMessage.describe(notification.code(), notification.subcode())
                + ")";
    }
}
