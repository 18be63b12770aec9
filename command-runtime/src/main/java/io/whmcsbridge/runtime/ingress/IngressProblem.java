package io.whmcsbridge.runtime.ingress;

import io.whmcsbridge.runtime.catalogue.Violation;

import java.util.List;

/**
 * A request the ingress refuses, with the HTTP status and a body that names the problem:
 * {@code {"error": {"code": "...", "message": "...", "violations": [...]}}}.
 */
public class IngressProblem extends RuntimeException {
    private final int status;
    private final String code;
    private final List<Violation> violations;

    public IngressProblem(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    public IngressProblem(int status, String code, String message, List<Violation> violations) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.violations = violations;
    }

    public int status() {
        return status;
    }

    public ProblemBody body() {
        return new ProblemBody(new ProblemBody.Detail(code, getMessage(), violations.isEmpty() ? null : violations));
    }

    /** The JSON body of every 4xx answer of the ingress. */
    public record ProblemBody(Detail error) {
        public record Detail(String code, String message, List<Violation> violations) {
        }
    }
}
