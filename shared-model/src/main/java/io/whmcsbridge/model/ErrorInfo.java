package io.whmcsbridge.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The error of a result. {@code code} is the API's own code where it has one ({@code AMP001}, {@code -1},
 * {@code invalid_client}) or one of {@link ErrorCodes}; {@code upstream} keeps the API's raw error body with
 * secrets removed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorInfo(String code, String message, boolean retryable, String upstream) {

    public static ErrorInfo of(String code, String message) {
        return new ErrorInfo(code, message, false, null);
    }
}
