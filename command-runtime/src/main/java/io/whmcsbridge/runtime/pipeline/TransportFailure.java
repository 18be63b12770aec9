package io.whmcsbridge.runtime.pipeline;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/** How far a request got when the call threw instead of answering. */
public enum TransportFailure {
    /** The connection was never made: the API surely did not act. */
    NOT_SENT,
    /** The request left and no answer came in time: the API may have acted. */
    TIMEOUT,
    /** The connection broke after the request left: the API may have acted. */
    CONNECTION_LOST;

    public static TransportFailure classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            // netty's ConnectTimeoutException is a ConnectException: the connection was not made
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException) {
                return NOT_SENT;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return TIMEOUT;
            }
        }
        return CONNECTION_LOST;
    }
}
