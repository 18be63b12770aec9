package io.whmcsbridge.runtime.api;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.semconv.HttpAttributes;
import io.vertx.core.http.HttpClientResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** An HTTP answer of the API, read up to a cap. */
public record ApiReply(int status, String contentType, String body) {
    private static final Logger LOG = Logger.getLogger(ApiReply.class);

    /**
     * {@link #of(Response, long)} up to the instance's {@code max-answer-bytes}: the one cap of every answer of every
     * API, downloads (an invoice's PDF, a project's file) included.
     */
    public static ApiReply of(Response response, ApiInstance instance) {
        return of(response, instance.maxAnswerBytes());
    }

    /**
     * Reads a REST client {@link Response} (the client is built not to throw on 4xx/5xx) while its body streams in,
     * at most {@code maxBytes} of it: an answer that declares a larger length is not read at all, and one that grows
     * past the cap is dropped there (its connection closed, so the rest is not even received). A synchronous REST
     * client method that returns {@code Response} gets the body as a stream; {@code readEntity(String.class)} would
     * have read all of it into memory first.
     *
     * @throws AnswerTooLargeException beyond the cap
     */
    public static ApiReply of(Response response, long maxBytes) {
        try (response) {
            String ct = response.getMediaType() == null ? null : response.getMediaType().toString();
            int status = response.getStatus();
            // on the span of the call attempt that is reading it (the pipeline's tracing makes it current)
            Span.current().setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
            Charset charset = charset(response.getMediaType());
            Object entity = entity(response);
            int declared = response.getLength();
            if (declared > maxBytes) {
                abort(entity instanceof InputStream in ? in : null);
                throw new AnswerTooLargeException(status, maxBytes, "a body of " + declared + " bytes");
            }
            byte[] body;
            if (entity == null) {
                body = new byte[0];
            } else if (entity instanceof InputStream in) {
                body = read(in, status, maxBytes);
            } else {
                // a response built in memory (a test's stand-in for the API): its body is whole already
                body = entity instanceof byte[] b ? b : String.valueOf(entity).getBytes(charset);
                if (body.length > maxBytes) {
                    throw new AnswerTooLargeException(status, maxBytes, "a body of " + body.length + " bytes");
                }
            }
            return new ApiReply(status, ct, new String(body, charset));
        }
    }

    /** The body as the client has it: the stream of a received answer (not read yet), or an entity built in memory. */
    private static Object entity(Response response) {
        if (!response.hasEntity()) {
            return null;
        }
        try {
            return response.getEntity();
        } catch (IllegalStateException e) {
            return response.readEntity(InputStream.class);
        }
    }

    /** The body up to {@code maxBytes}; closes the stream (and drops the connection when the cap is passed). */
    static byte[] read(InputStream in, int status, long maxBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(maxBytes, 8192));
        byte[] buf = new byte[8192];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                total += n;
                if (total > maxBytes) {
                    abort(in);
                    throw new AnswerTooLargeException(status, maxBytes, "more than " + maxBytes + " bytes");
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                in.close();
            } catch (IOException | RuntimeException ignored) {
                // reset, or broken: nothing left to read
            }
        }
        return out.toByteArray();
    }

    private static Charset charset(MediaType type) {
        String name = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /**
     * Drops the connection of an answer that is not read to its end: closing the REST client's stream would read the
     * rest first (all of it, however long it goes on). The client's stream keeps the Vert.x response in a private
     * field; where it cannot be reached, closing it reads the rest (the memory stays bounded).
     */
    private static void abort(InputStream in) {
        if (in == null) {
            return;
        }
        try {
            Field exchange = in.getClass().getDeclaredField("exchange");
            exchange.setAccessible(true);
            Object input = exchange.get(in);
            Field request = input.getClass().getDeclaredField("request");
            request.setAccessible(true);
            if (request.get(input) instanceof HttpClientResponse r) {
                r.request().reset();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf("could not drop the connection of an answer past the cap (%s); the rest is read and discarded",
                    e.toString());
        }
    }

    public boolean is2xx() {
        return status >= 200 && status < 300;
    }

    /**
     * What an answer that is not in the API's own format comes to, for every API alike: after a 2xx the server had
     * the request and may have acted, so it is {@link ApiOutcome.Malformed} ({@code what} says which format was
     * expected); any other status is an {@link ApiOutcome.HttpFailure} that the API's format does not explain.
     */
    public ApiOutcome unreadable(String what) {
        return is2xx() ? new ApiOutcome.Malformed(what, body) : new ApiOutcome.HttpFailure(status, body);
    }
}
