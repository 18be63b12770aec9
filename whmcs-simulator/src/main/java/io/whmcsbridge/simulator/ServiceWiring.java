package io.whmcsbridge.simulator;

import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import io.whmcsbridge.simulator.billing.BillingSim;
import io.whmcsbridge.simulator.projects.WbTeamProSim;
import io.whmcsbridge.simulator.reseller.VoipResellerSim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variables that point a service at this simulator with its default credentials: one place for
 * the local stack, the benchmark and the reliability suite.
 */
public final class ServiceWiring {
    private ServiceWiring() {
    }

    /** @param baseUrl the simulator's base URL, e.g. {@code http://127.0.0.1:8089} */
    public static Map<String, String> apiEnv(String family, String baseUrl) {
        Map<String, String> env = new LinkedHashMap<>();
        switch (family) {
            case "abuse" -> {
                env.put("ABUSE_API_BASE_URL", baseUrl);
                env.put("ABUSE_API_ID", AbuseManagerSim.DEFAULT_API_ID);
            }
            case "projects" -> {
                env.put("PROJECTS_API_BASE_URL", baseUrl);
                env.put("PROJECTS_API_USERNAME", WbTeamProSim.DEFAULT_USERNAME);
                env.put("PROJECTS_API_PASSWORD_MD5", WbTeamProSim.md5(WbTeamProSim.DEFAULT_PASSWORD));
            }
            case "billing" -> {
                env.put("BILLING_API_BASE_URL", baseUrl);
                env.put("BILLING_API_TOKEN", BillingSim.DEFAULT_TOKEN);
                env.put("WHMCS_API_IDENTIFIER", BillingSim.DEFAULT_IDENTIFIER);
                env.put("WHMCS_API_SECRET", BillingSim.DEFAULT_SECRET);
            }
            case "reseller" -> {
                env.put("RESELLER_API_BASE_URL", baseUrl);
                env.put("RESELLER_API_USERNAME", VoipResellerSim.DEFAULT_USERNAME);
                env.put("RESELLER_API_PASSWORD", VoipResellerSim.DEFAULT_PASSWORD);
            }
            default -> throw new IllegalArgumentException("unknown family " + family);
        }
        return env;
    }
}
