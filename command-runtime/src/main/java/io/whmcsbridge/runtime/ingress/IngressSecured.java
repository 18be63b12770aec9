package io.whmcsbridge.runtime.ingress;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an ingress endpoint: callers must authenticate ({@link CallerFilter}) and get what their {@link Scopes} allow.
 * Endpoints under {@code /admin} need no mark: they always need authentication and the admin scope. Health and
 * metrics stay open.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface IngressSecured {
}
