package io.whmcsbridge.runtime.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.util.Optional;
import java.util.UUID;

/**
 * This process as one member of the service's fleet. The id names the holder of an {@code IN_FLIGHT} lease and of
 * fleet-wide guard state; it is the host name (the pod name in Kubernetes) plus a suffix new at every start, so a
 * restarted pod never mistakes its dead predecessor's lease for its own.
 */
@ApplicationScoped
public class Replica {
    private final String id;

    Replica() {
        this(Optional.empty());
    }

    @Inject
    Replica(@ConfigProperty(name = "whmcs.replica-name") Optional<String> name) {
        String host = name.filter(n -> !n.isBlank()).orElseGet(Replica::hostName);
        String base = host.length() > 80 ? host.substring(0, 80) : host;
        this.id = base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** At most 89 characters: fits every column that holds it. */
    public String id() {
        return id;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "replica";
        }
    }
}
