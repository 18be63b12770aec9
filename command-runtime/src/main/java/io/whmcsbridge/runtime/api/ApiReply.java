package io.whmcsbridge.runtime.api;

import jakarta.ws.rs.core.Response;

/** An HTTP answer of the API, read whole. */
public record ApiReply(int status, String contentType, String body) {

    /** Reads a REST client {@link Response} (the client is built not to throw on 4xx/5xx). */
    public static ApiReply of(Response response) {
        try (response) {
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            String ct = response.getMediaType() == null ? null : response.getMediaType().toString();
            return new ApiReply(response.getStatus(), ct, body == null ? "" : body);
        }
    }

    public boolean is2xx() {
        return status >= 200 && status < 300;
    }
}
