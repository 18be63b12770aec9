package io.whmcsbridge.simulator.abuse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.whmcsbridge.simulator.core.SimContext;
import io.whmcsbridge.simulator.core.SimReply;
import io.whmcsbridge.simulator.core.SimRequest;
import io.whmcsbridge.simulator.core.SimulatedApi;
import io.whmcsbridge.simulator.core.SimulatorSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * Abuse Manager Pro's API (docs/apis/abuse-manager-pro.md): one endpoint, {@code action=create}, authenticated by the
 * {@code API_ID} header. Settings: {@code abuse.api-id} (default {@value #DEFAULT_API_ID}),
 * {@code abuse.missing-params-code} (default {@code AMP003}, the error table's code; the vendor's example shows
 * {@code AMP009}), {@code abuse.first-report-id} (default 1).
 * <p>
 * Where the vendor is silent: errors are answered with HTTP 200 and the error JSON (a PHP addon's usual way);
 * {@code suspend_method} is stored as sent (the addon is not documented to check it); services with an odd id have
 * the dedicated IP {@code 192.0.2.<id % 250>}, even ids have none, so the documented {@code (No Dedicated IP)}
 * default is reachable.
 */
public final class AbuseManagerSim implements SimulatedApi {
    public static final String NAME = "abuse";
    public static final String PATH = "/modules/addons/abusemanagerpro/includes/api.php";
    public static final String DEFAULT_API_ID = "sim-abuse-api-id-7c1e";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String apiId;
    private final String missingParamsCode;
    private final int firstReportId;
    private final List<AbuseReport> reports = new ArrayList<>();
    private int nextId;

    public AbuseManagerSim(SimulatorSettings settings) {
        this.apiId = settings.get("abuse.api-id", DEFAULT_API_ID);
        this.missingParamsCode = settings.get("abuse.missing-params-code", "AMP003");
        this.firstReportId = settings.getInt("abuse.first-report-id", 1);
        this.nextId = firstReportId;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void mount(Router router, SimContext context) {
        router.route(PATH).handler(rc -> context.handle(rc, NAME, r -> r.param("action"), r -> handle(r, context)));
    }

    @Override
    public synchronized void reset() {
        reports.clear();
        nextId = firstReportId;
    }

    /** The reports filed so far, oldest first. */
    public synchronized List<AbuseReport> reports() {
        return List.copyOf(reports);
    }

    private synchronized SimReply handle(SimRequest r, SimContext context) {
        String given = r.header("API_ID");
        if (given == null || !given.equals(apiId)) {
            return SimReply.authError(200, "application/json",
                    error("AMP001", "Unauthorized - make sure you are passing a valid API_ID in the header"));
        }
        if (!"create".equals(r.param("action"))) {
            return SimReply.apiError(200, "application/json",
                    error("AMP002", "Missing or Invalid Action - make sure you are passing a valid action"));
        }
        if (!r.has("service_id") || !r.has("category")) {
            return SimReply.apiError(200, "application/json", error(missingParamsCode, "Missing required parameters."));
        }
        int serviceId;
        try {
            serviceId = Integer.parseInt(r.param("service_id").trim());
        } catch (NumberFormatException e) {
            return SimReply.apiError(200, "application/json", error(missingParamsCode, "Missing required parameters."));
        }
        String ip = r.has("service_ip") ? r.param("service_ip")
                : (serviceId % 2 == 1 ? "192.0.2." + (serviceId % 250) : "(No Dedicated IP)");
        AbuseReport report = new AbuseReport(nextId++, serviceId, r.param("category"), ip,
                r.has("suspend_method") ? r.param("suspend_method") : "nosuspend",
                truthy(r.param("allow_unsuspend")), r.param("additional_info"), r.param("admin_notes"));
        reports.add(report);
        context.sideEffect(NAME, "report", Integer.toString(report.id()), r.flatParams());
        ObjectNode ok = JSON.createObjectNode().put("status", "success").put("report_id", report.id());
        return SimReply.json(ok.toString());
    }

    private static boolean truthy(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("on") || v.equalsIgnoreCase("yes"));
    }

    private static String error(String code, String description) {
        return JSON.createObjectNode().put("status", "error").put("error_code", code)
                .put("error_description", description).toString();
    }

    public record AbuseReport(int id, int serviceId, String category, String serviceIp, String suspendMethod,
            boolean allowUnsuspend, String additionalInfo, String adminNotes) {
    }
}
