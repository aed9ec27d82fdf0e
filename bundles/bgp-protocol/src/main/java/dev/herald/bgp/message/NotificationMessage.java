package dev.herald.bgp.message;

import java.util.Arrays;
import java.util.HexFormat;
import org.osgi.annotation.versioning.ProviderType;

/** NOTIFICATION (RFC 4271 §4.5): error code, subcode and data; the connection closes after it. */
@ProviderType
public record NotificationMessage(int code, int subcode, byte[] data) implements BgpMessage {
    // Error codes, RFC 4271 §4.5 and RFC 4486 (cease subcodes)
    public static final int MESSAGE_HEADER_ERROR = 1;
    public static final int OPEN_MESSAGE_ERROR = 2;
    public static final int UPDATE_MESSAGE_ERROR = 3;
    public static final int HOLD_TIMER_EXPIRED = 4;
    public static final int FSM_ERROR = 5;
    public static final int CEASE = 6;
    public static final int ROUTE_REFRESH_ERROR = 7;

    // Message header error subcodes
    public static final int CONNECTION_NOT_SYNCHRONIZED = 1;
    public static final int BAD_MESSAGE_LENGTH = 2;
    public static final int BAD_MESSAGE_TYPE = 3;

    // OPEN message error subcodes
    public static final int UNSUPPORTED_VERSION_NUMBER = 1;
    public static final int BAD_PEER_AS = 2;
    public static final int BAD_BGP_IDENTIFIER = 3;
    public static final int UNSUPPORTED_OPTIONAL_PARAMETER = 4;
    public static final int UNACCEPTABLE_HOLD_TIME = 6;
    public static final int UNSUPPORTED_CAPABILITY = 7;

    // UPDATE message error subcodes
    public static final int MALFORMED_ATTRIBUTE_LIST = 1;
    public static final int UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE = 2;
    public static final int MISSING_WELL_KNOWN_ATTRIBUTE = 3;
    public static final int ATTRIBUTE_FLAGS_ERROR = 4;
    public static final int ATTRIBUTE_LENGTH_ERROR = 5;
    public static final int INVALID_ORIGIN_ATTRIBUTE = 6;
    public static final int INVALID_NEXT_HOP_ATTRIBUTE = 8;
    public static final int OPTIONAL_ATTRIBUTE_ERROR = 9;
    public static final int INVALID_NETWORK_FIELD = 10;
    public static final int MALFORMED_AS_PATH = 11;

    // Cease subcodes (RFC 4486)
    public static final int MAXIMUM_PREFIXES_REACHED = 1;
    public static final int ADMINISTRATIVE_SHUTDOWN = 2;
    public static final int PEER_DECONFIGURED = 3;
    public static final int ADMINISTRATIVE_RESET = 4;
    public static final int CONNECTION_REJECTED = 5;
    public static final int OTHER_CONFIGURATION_CHANGE = 6;
    public static final int CONNECTION_COLLISION_RESOLUTION = 7;
    public static final int OUT_OF_RESOURCES = 8;
    /** RFC 9384: the session's BFD session went down. */
    public static final int BFD_DOWN = 10;

    public NotificationMessage {
        data = data == null ? new byte[0] : data.clone();
    }

    public NotificationMessage(int code, int subcode) {
        this(code, subcode, new byte[0]);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int type() {
        return NOTIFICATION;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotificationMessage n && n.code == code && n.subcode == subcode
                && Arrays.equals(n.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * code + subcode) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NOTIFICATION " + code + "/" + subcode + " (" + describe(code, subcode) + ")"
                + (data.length == 0 ? "" : " data " + HexFormat.of().formatHex(data));
    }

    /** Names an error code and subcode as RFC 4271 does, for logs an operator can act on. */
    public static String describe(int code, int subcode) {
        return switch (code) {
            case MESSAGE_HEADER_ERROR -> "message header error: " + switch (subcode) {
                case CONNECTION_NOT_SYNCHRONIZED -> "connection not synchronized";
                case BAD_MESSAGE_LENGTH -> "bad message length";
                case BAD_MESSAGE_TYPE -> "bad message type";
                default -> "subcode " + subcode;
            };
            case OPEN_MESSAGE_ERROR -> "OPEN message error: " + switch (subcode) {
                case UNSUPPORTED_VERSION_NUMBER -> "unsupported version number";
                case BAD_PEER_AS -> "bad peer AS";
                case BAD_BGP_IDENTIFIER -> "bad BGP identifier";
                case UNSUPPORTED_OPTIONAL_PARAMETER -> "unsupported optional parameter";
                case UNACCEPTABLE_HOLD_TIME -> "unacceptable hold time";
                case UNSUPPORTED_CAPABILITY -> "unsupported capability";
                default -> "subcode " + subcode;
            };
            case UPDATE_MESSAGE_ERROR -> "UPDATE message error: " + switch (subcode) {
                case MALFORMED_ATTRIBUTE_LIST -> "malformed attribute list";
                case UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE -> "unrecognized well-known attribute";
                case MISSING_WELL_KNOWN_ATTRIBUTE -> "missing well-known attribute";
                case ATTRIBUTE_FLAGS_ERROR -> "attribute flags error";
                case ATTRIBUTE_LENGTH_ERROR -> "attribute length error";
                case INVALID_ORIGIN_ATTRIBUTE -> "invalid ORIGIN attribute";
                case INVALID_NEXT_HOP_ATTRIBUTE -> "invalid NEXT_HOP attribute";
                case OPTIONAL_ATTRIBUTE_ERROR -> "optional attribute error";
                case INVALID_NETWORK_FIELD -> "invalid network field";
                case MALFORMED_AS_PATH -> "malformed AS_PATH";
                default -> "subcode " + subcode;
            };
            case HOLD_TIMER_EXPIRED -> "hold timer expired";
            case FSM_ERROR -> "finite state machine error";
            case CEASE -> "cease: " + switch (subcode) {
                case MAXIMUM_PREFIXES_REACHED -> "maximum number of prefixes reached";
                case ADMINISTRATIVE_SHUTDOWN -> "administrative shutdown";
                case PEER_DECONFIGURED -> "peer de-configured";
                case ADMINISTRATIVE_RESET -> "administrative reset";
                case CONNECTION_REJECTED -> "connection rejected";
                case OTHER_CONFIGURATION_CHANGE -> "other configuration change";
                case CONNECTION_COLLISION_RESOLUTION -> "connection collision resolution";
                case OUT_OF_RESOURCES -> "out of resources";
                case BFD_DOWN -> "BFD down";
                default -> "subcode " + subcode;
            };
            case ROUTE_REFRESH_ERROR -> "ROUTE-REFRESH message error: subcode " + subcode;
            default -> "unknown error code " + code + " subcode " + subcode;
        };
    }
}
