package io.whmcsbridge.runtime.catalogue;

import java.math.BigDecimal;
import java.util.List;

/**
 * One documented parameter of an API action: its name exactly as the API spells it, its kind, whether it is
 * required, and its bounds. Built fluently: {@code Param.integer("service_id").required().min(1)}.
 */
public record Param(String name, ParamKind kind, boolean mandatory, String description, List<String> allowed,
        Integer maxLength, BigDecimal min, BigDecimal max, Integer scale, boolean strictlyPositive, List<Param> fields) {

    public Param {
        fields = List.copyOf(fields);
        if (!ParamValidator.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name '" + name + "' is outside " + ParamValidator.NAME.pattern());
        }
    }

    public static Param of(String name, ParamKind kind) {
        return new Param(name, kind, false, "", List.of(), null, null, null, null, false, List.of());
    }

    public static Param string(String name) {
        return of(name, ParamKind.STRING);
    }

    public static Param integer(String name) {
        return of(name, ParamKind.INTEGER);
    }

    /** A whole number of at least 1, the shape of every WHMCS id. */
    public static Param id(String name) {
        return of(name, ParamKind.INTEGER).min(1);
    }

    public static Param bool(String name) {
        return of(name, ParamKind.BOOLEAN);
    }

    public static Param money(String name) {
        return of(name, ParamKind.MONEY).scale(2);
    }

    public static Param date(String name) {
        return of(name, ParamKind.DATE);
    }

    public static Param email(String name) {
        return of(name, ParamKind.EMAIL);
    }

    public static Param oneOf(String name, String... values) {
        return new Param(name, ParamKind.ENUM, false, "", List.of(values), null, null, null, null, false, List.of());
    }

    public static Param list(String name) {
        return of(name, ParamKind.LIST);
    }

    public static Param object(String name) {
        return of(name, ParamKind.OBJECT);
    }

    public static Param any(String name) {
        return of(name, ParamKind.ANY);
    }

    public Param required() {
        return new Param(name, kind, true, description, allowed, maxLength, min, max, scale, strictlyPositive, fields);
    }

    public Param describe(String text) {
        return new Param(name, kind, mandatory, text, allowed, maxLength, min, max, scale, strictlyPositive, fields);
    }

    public Param maxLength(int length) {
        return new Param(name, kind, mandatory, description, allowed, length, min, max, scale, strictlyPositive, fields);
    }

    public Param min(long value) {
        return new Param(name, kind, mandatory, description, allowed, maxLength, BigDecimal.valueOf(value), max, scale, strictlyPositive, fields);
    }

    public Param max(long value) {
        return new Param(name, kind, mandatory, description, allowed, maxLength, min, BigDecimal.valueOf(value), scale, strictlyPositive, fields);
    }

    public Param min(BigDecimal value) {
        return new Param(name, kind, mandatory, description, allowed, maxLength, value, max, scale, strictlyPositive, fields);
    }

    public Param max(BigDecimal value) {
        return new Param(name, kind, mandatory, description, allowed, maxLength, min, value, scale, strictlyPositive, fields);
    }

    /** Most digits after the decimal point (money: the API's precision). */
    public Param scale(int digits) {
        return new Param(name, kind, mandatory, description, allowed, maxLength, min, max, digits, strictlyPositive, fields);
    }

    /** Strictly greater than zero. */
    public Param positive() {
        return new Param(name, kind, mandatory, description, allowed, maxLength, min, max, scale, true, fields);
    }

    /**
     * The documented fields of an object parameter ({@code params[firstname]}, ...): the validator holds each field to
     * its own param (kind, bounds, required) and refuses any other field, by the same rules as a top-level parameter.
     */
    public Param fields(Param... documented) {
        return new Param(name, kind, mandatory, description, allowed, maxLength, min, max, scale, strictlyPositive,
                List.of(documented));
    }

    /** A short human description of the constraints, for generated documentation. */
    public String constraints() {
        StringBuilder b = new StringBuilder(kind.name().toLowerCase());
        if (kind == ParamKind.ENUM) {
            b.append(" ").append(String.join("|", allowed));
        }
        if (strictlyPositive) {
            b.append(", > 0");
        }
        if (min != null) {
            b.append(", >= ").append(min.toPlainString());
        }
        if (max != null) {
            b.append(", <= ").append(max.toPlainString());
        }
        if (scale != null) {
            b.append(", <= ").append(scale).append(" decimals");
        }
        if (maxLength != null) {
            b.append(", <= ").append(maxLength).append(" chars");
        }
        return b.toString();
    }
}
