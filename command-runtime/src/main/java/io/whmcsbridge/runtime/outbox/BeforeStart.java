package io.whmcsbridge.runtime.outbox;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Holds the outbox's scheduled methods back until the application has started: the emitter can only be injected
 * once Reactive Messaging has wired its channels (a poll before that failed with SRMSG00019).
 */
@Singleton
public class BeforeStart implements Scheduled.SkipPredicate {
    private volatile boolean started;

    void onStart(@Observes StartupEvent ev) {
        started = true;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return !started;
    }
}
