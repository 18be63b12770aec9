package io.whmcsbridge.projects;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The span exporter of the tests: Quarkus exports to a {@code SpanExporter} bean instead of OTLP when there is one. It
 * receives spans only where a test profile turns the SDK on ({@link ProjectsTracesIT}).
 */
public class InMemorySpans {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
