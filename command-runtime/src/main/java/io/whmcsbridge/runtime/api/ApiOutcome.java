package io.whmcsbridge.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.ErrorInfo;

/** What one API call came to, as the service's gateway reads the answer. */
public sealed interface ApiOutcome {

    /** The API reported success; {@code response} is its payload as JSON. */
    record Success(JsonNode response) implements ApiOutcome {
    }

    /**
     * The API reported an error in its own words. {@code error.retryable} is true only where the API surely did
     * not act (e.g. a per-minute limit), so the call may be sent again whatever the action.
     */
    record ApiError(ErrorInfo error) implements ApiOutcome {
    }

    /** The API refused the credentials: the instance's circuit opens. */
    record AuthFailure(ErrorInfo error) implements ApiOutcome {
    }

    /** An HTTP status the API's own error format does not explain (a proxy's 502, a 503, a 429...). */
    record HttpFailure(int status, String body) implements ApiOutcome {
    }

    /** An answer that cannot be read; the server had the request, so it may have acted. */
    record Malformed(String reason, String body) implements ApiOutcome {
    }
}
