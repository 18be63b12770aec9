package io.whmcsbridge.runtime.config;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.whmcsbridge.runtime.catalogue.InputLimits;
import io.whmcsbridge.runtime.catalogue.ParamValidator;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

/**
 * Bounds of a command's parameters ({@code whmcs.input.*}); see {@link InputLimits} for each. Installed into
 * {@link ParamValidator} at start, before the consumer reads anything.
 */
@ConfigMapping(prefix = "whmcs.input")
public interface InputConfig {

    @WithDefault("64")
    int maxNameLength();

    @WithDefault("65535")
    int maxStringLength();

    @WithDefault("8")
    int maxDepth();

    @WithDefault("1000")
    int maxItems();

    @WithDefault("40")
    int maxNumberDigits();

    default InputLimits limits() {
        return new InputLimits(maxNameLength(), maxStringLength(), maxDepth(), maxItems(), maxNumberDigits());
    }

    /** Installs the configured limits into the validator first thing at start. */
    @ApplicationScoped
    class Installer {
        void install(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent ev, InputConfig config) {
            ParamValidator.configure(config.limits());
        }
    }
}
