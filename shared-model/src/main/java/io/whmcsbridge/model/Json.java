package io.whmcsbridge.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON mapper of the contracts. Decimal numbers are read as {@link java.math.BigDecimal} and kept exact,
 * because amounts of money travel in command parameters and API responses.
 */
public final class Json {
    public static final ObjectMapper MAPPER = configure(JsonMapper.builder()).build();

    /**
     * {@link #MAPPER}'s settings for records from outside: {@link EnvelopeLimits} enforced by the parser (nesting,
     * string, name and number lengths, document size) and a key given twice in one object refused, so a record cannot
     * say two things at once.
     */
    static final ObjectMapper BOUNDED = configure(JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(EnvelopeLimits.MAX_DEPTH)
                    .maxStringLength(EnvelopeLimits.MAX_STRING_CHARS)
                    .maxNameLength(EnvelopeLimits.MAX_NAME_CHARS)
                    .maxNumberLength(EnvelopeLimits.MAX_NUMBER_CHARS)
                    .maxDocumentLength(EnvelopeLimits.MAX_RECORD_BYTES)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())).build();

    private static JsonMapper.Builder configure(JsonMapper.Builder builder) {
        return builder.addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    }

    private Json() {
    }
}
