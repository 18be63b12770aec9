package io.whmcsbridge.runtime.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.SafeText;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks a command's parameters against its {@link ActionSpec} and normalises them (numbers as numbers, money as
 * exact decimals, booleans as booleans). Every problem is reported, each naming its field. Before any check of a
 * value's kind, every name and value is held to the {@link InputLimits} (safe names, nesting, list lengths, text
 * lengths, control characters, number digits and exponent), so nothing a caller sends makes the checks themselves
 * slow or throw; and no parameter may reach the API under a name the service sends itself
 * ({@link ActionSpec#reservedNames()}).
 * <p>Longer than 250 lines because it is one pass over a command's parameters: the input limits and the check of every
 * parameter kind.
 */
public final class ParamValidator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern INTEGER = Pattern.compile("^-?\\d{1,18}$");
    private static final Pattern DECIMAL = Pattern.compile("^-?\\d{1,15}(\\.\\d{1,24})?$");
    /**
     * The names a caller may use, for parameters and for keys of objects inside them: letters, digits, {@code _},
     * {@code -} and {@code .}. Never {@code &}, {@code =}, {@code [}, {@code ]}, {@code %}, {@code +}, spaces or
     * control characters, which would change how a form or query is split or how PHP nests it.
     */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    /** Longest text value we send anywhere; a WHMCS text column is at most 64 KiB. */
    public static final int MAX_TEXT = InputLimits.DEFAULTS.maxStringLength();

    private static volatile InputLimits limits = InputLimits.DEFAULTS;

    private ParamValidator() {
    }

    /** Sets the limits {@link #validate(ActionSpec, ObjectNode)} applies (at start, from {@code whmcs.input.*}). */
    public static void configure(InputLimits configured) {
        limits = Objects.requireNonNull(configured);
    }

    /** The limits in force. */
    public static InputLimits limits() {
        return limits;
    }

    public record Result(ObjectNode params, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }

        public String message() {
            return "invalid parameters: " + String.join("; ", violations.stream().map(Violation::toString).toList());
        }
    }

    public static Result validate(ActionSpec spec, ObjectNode given) {
        return validate(spec, given, limits);
    }

    public static Result validate(ActionSpec spec, ObjectNode given, InputLimits bounds) {
        List<Violation> violations = new ArrayList<>();
        ObjectNode out = NODES.objectNode();
        if (given.size() > bounds.maxItems()) {
            violations.add(new Violation(null, "a command has at most " + bounds.maxItems() + " parameters, got " + given.size()));
            return new Result(out, List.copyOf(violations));
        }
        // Names first: a name that is not safe or is the service's own is reported once, and its value not looked at.
        List<String> unusable = new ArrayList<>();
        for (Iterator<String> it = given.fieldNames(); it.hasNext();) {
            String name = it.next();
            String problem = nameProblem(name, bounds);
            if (problem == null && spec.reserves(name)) {
                problem = "is set by the service (credentials and transport fields come from configuration), not by a command";
            }
            if (problem != null) {
                violations.add(new Violation(label(name), problem));
                unusable.add(name);
            }
        }
        for (Param p : spec.params()) {
            JsonNode v = given.get(p.name());
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
                if (p.mandatory()) {
                    violations.add(new Violation(p.name(), "is required"));
                }
                continue;
            }
            if (!bounded(p.name(), v, 1, bounds, violations)) {
                continue;
            }
            Object normalised = check(p, p.name(), v, bounds, violations);
            if (normalised instanceof JsonNode n) {
                out.set(p.name(), n);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (spec.param(e.getKey()).isEmpty() && !unusable.contains(e.getKey())) {
                if (!spec.openParams()) {
                    violations.add(new Violation(label(e.getKey()), "is not a parameter of " + spec.action()));
                } else if (bounded(e.getKey(), e.getValue(), 1, bounds, violations)) {
                    out.set(e.getKey(), e.getValue());
                }
            }
        }
        if (violations.isEmpty()) {
            for (Function<ObjectNode, Optional<Violation>> rule : spec.rules()) {
                try {
                    rule.apply(out).ifPresent(violations::add);
                } catch (RuntimeException e) {
                    // a rule that cannot cope with these values: the command is refused, never retried
                    violations.add(new Violation(null, "the parameters could not be checked (" + e.getClass().getSimpleName() + ")"));
                }
            }
        }
        return new Result(out, List.copyOf(violations));
    }

    /** Why {@code name} cannot be a caller's parameter or object key, or null. */
    static String nameProblem(String name, InputLimits bounds) {
        if (name.isEmpty()) {
            return "an empty name is not a parameter name";
        }
        if (name.length() > bounds.maxNameLength()) {
            return "is not a parameter name: longer than " + bounds.maxNameLength() + " characters";
        }
        if (!NAME.matcher(name).matches()) {
            return "is not a parameter name: only letters, digits, '_', '-' and '.' are allowed";
        }
        return null;
    }

    /** A caller's name as it may appear in a message: quoted when it is not a safe name, and cut short. */
    private static String label(String name) {
        return NAME.matcher(name).matches() && name.length() <= 100 ? name : SafeText.quote(name, 60);
    }

    /**
     * Holds a value (at {@code depth}, the parameter itself being 1) to the limits, before any other check looks at
     * it; false (and a violation naming the path) when it is beyond them. {@code path} is made of names already
     * found safe.
     */
    private static boolean bounded(String path, JsonNode v, int depth, InputLimits bounds, List<Violation> violations) {
        String problem = boundProblem(v, bounds);
        if (problem != null) {
            violations.add(new Violation(path, problem));
            return false;
        }
        if (!v.isContainerNode()) {
            return true;
        }
        if (depth > bounds.maxDepth()) {
            violations.add(new Violation(path, "is nested deeper than " + bounds.maxDepth() + " levels"));
            return false;
        }
        if (v.size() > bounds.maxItems()) {
            violations.add(new Violation(path, "has " + v.size() + " items, at most " + bounds.maxItems()));
            return false;
        }
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String keyProblem = nameProblem(e.getKey(), bounds);
                if (keyProblem != null) {
                    violations.add(new Violation(path + "[" + label(e.getKey()) + "]", keyProblem));
                    return false;
                }
                if (!bounded(path + "[" + e.getKey() + "]", e.getValue(), depth + 1, bounds, violations)) {
                    return false;
                }
            }
        } else {
            int i = 0;
            for (JsonNode item : v) {
                if (!bounded(path + "[" + i + "]", item, depth + 1, bounds, violations)) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /** Why a scalar is beyond the limits (too long, control characters, too many digits), or null. */
    private static String boundProblem(JsonNode v, InputLimits bounds) {
        if (v.isTextual()) {
            String s = v.asText();
            if (s.length() > bounds.maxStringLength()) {
                return "is longer than " + bounds.maxStringLength() + " characters";
            }
            if (SafeText.unsafeAt(s, true) >= 0) {
                return "contains control characters";
            }
        } else if (v.isNumber()) {
            if ((v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue())) {
                return "is not a finite number";
            }
            long digits = digits(v);
            if (digits > bounds.maxNumberDigits()) {
                return "is a number of " + (digits == Long.MAX_VALUE ? "too many" : Long.toString(digits))
                        + " digits written out, at most " + bounds.maxNumberDigits();
            }
        }
        return null;
    }

    /**
     * Digits of a number written out in full (plain notation), computed from its precision and scale only: no
     * arithmetic that grows with the exponent.
     */
    static long digits(JsonNode v) {
        if (v.isIntegralNumber() && !v.isBigInteger()) {
            return Long.toString(v.longValue()).replace("-", "").length();
        }
        if (v.isBigInteger()) {
            BigInteger b = v.bigIntegerValue();
            // bitLength bounds the digits from above; exact only for the numbers that can pass
            return b.bitLength() > 400 ? Long.MAX_VALUE : b.abs().toString().length();
        }
        BigDecimal d = v.decimalValue();
        long scale = d.scale();
        long precision = d.unscaledValue().bitLength() > 4000 ? Long.MAX_VALUE / 4 : d.precision();
        return scale <= 0 ? precision - scale : Math.max(precision, scale);
    }

    /** @param name the value's path in messages: the parameter's name, or {@code object[field]} for a field */
    private static Object check(Param p, String name, JsonNode v, InputLimits bounds, List<Violation> violations) {
        switch (p.kind()) {
            case STRING, EMAIL, DATE, ENUM -> {
                if (!v.isValueNode()) {
                    violations.add(new Violation(name, "must be text, got " + kind(v)));
                    return null;
                }
                String s = v.asText();
                int max = p.maxLength() == null ? bounds.maxStringLength() : p.maxLength();
                if (s.length() > max) {
                    violations.add(new Violation(name, "is longer than " + max + " characters"));
                    return null;
                }
                if (p.kind() == ParamKind.EMAIL && !EMAIL.matcher(s).matches()) {
                    violations.add(new Violation(name, "is not an e-mail address: " + describe(v)));
                    return null;
                }
                if (p.kind() == ParamKind.DATE) {
                    try {
                        LocalDate.parse(s);
                    } catch (DateTimeParseException e) {
                        violations.add(new Violation(name, "must be a date YYYY-MM-DD, got " + describe(v)));
                        return null;
                    }
                }
                if (p.kind() == ParamKind.ENUM && !p.allowed().contains(s)) {
                    violations.add(new Violation(name, "must be one of " + String.join(", ", p.allowed())
                            + ", got " + describe(v)));
                    return null;
                }
                return NODES.textNode(s);
            }
            case INTEGER -> {
                BigDecimal n = number(v);
                if (n == null || n.stripTrailingZeros().scale() > 0 || !INTEGER.matcher(n.toBigInteger().toString()).matches()) {
                    violations.add(new Violation(name, "must be a whole number, got " + describe(v)));
                    return null;
                }
                if (!inRange(p, name, n, violations)) {
                    return null;
                }
                return NODES.numberNode(n.longValueExact());
            }
            case MONEY -> {
                BigDecimal n = number(v);
                if (n == null) {
                    violations.add(new Violation(name, "must be an amount such as 12.50, got " + describe(v)));
                    return null;
                }
                if (v.isDouble() || v.isFloat()) {
                    violations.add(new Violation(name, "must be an exact decimal, not a floating-point number"));
                    return null;
                }
                if (p.scale() != null && n.stripTrailingZeros().scale() > p.scale()) {
                    violations.add(new Violation(name, "has more than " + p.scale() + " decimal places: " + n.toPlainString()));
                    return null;
                }
                if (!inRange(p, name, n, violations)) {
                    return null;
                }
                return NODES.numberNode(n);
            }
            case BOOLEAN -> {
                if (v.isBoolean()) {
                    return v;
                }
                String s = v.isValueNode() ? v.asText().strip().toLowerCase() : "";
                return switch (s) {
                    case "true", "1" -> NODES.booleanNode(true);
                    case "false", "0" -> NODES.booleanNode(false);
                    default -> {
                        violations.add(new Violation(name, "must be true or false, got " + describe(v)));
                        yield null;
                    }
                };
            }
            case LIST -> {
                if (!v.isArray()) {
                    violations.add(new Violation(name, "must be a list, got " + kind(v)));
                    return null;
                }
                for (JsonNode item : v) {
                    if (!item.isValueNode() || item.isNull()) {
                        violations.add(new Violation(name, "must hold only numbers or text"));
                        return null;
                    }
                }
                return v;
            }
            case OBJECT -> {
                if (!v.isObject()) {
                    violations.add(new Violation(name, "must be an object, got " + kind(v)));
                    return null;
                }
                return fieldsValid(p, name, v, bounds, violations) ? v : null;
            }
            default -> {
                return v;
            }
        }
    }

    /**
     * An object parameter with documented fields ({@link Param#fields}): every field held to its own param, by the
     * rules of a top-level parameter, and no other field. The object is passed on as given (its values as the caller
     * wrote them, as before), so a field's check does not change what is sent.
     */
    private static boolean fieldsValid(Param p, String name, JsonNode object, InputLimits bounds,
            List<Violation> violations) {
        if (p.fields().isEmpty()) {
            return true;
        }
        int before = violations.size();
        for (Param f : p.fields()) {
            JsonNode v = object.get(f.name());
            String path = name + "[" + f.name() + "]";
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
                if (f.mandatory()) {
                    violations.add(new Violation(path, "is required"));
                }
            } else {
                check(f, path, v, bounds, violations);
            }
        }
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (p.fields().stream().noneMatch(f -> f.name().equals(field))) {
                violations.add(new Violation(name + "[" + field + "]", "is not a documented field"));
            }
        }
        return violations.size() == before;
    }

    private static boolean inRange(Param p, String name, BigDecimal n, List<Violation> violations) {
        if (p.strictlyPositive() && n.signum() <= 0) {
            violations.add(new Violation(name, "must be greater than 0, got " + n.toPlainString()));
            return false;
        }
        if (p.min() != null && n.compareTo(p.min()) < 0) {
            violations.add(new Violation(name, "must be at least " + p.min().toPlainString() + ", got " + n.toPlainString()));
            return false;
        }
        if (p.max() != null && n.compareTo(p.max()) > 0) {
            violations.add(new Violation(name, "must be at most " + p.max().toPlainString() + ", got " + n.toPlainString()));
            return false;
        }
        return true;
    }

    /**
     * A number given as a JSON number or as a string; null when it is neither. Only called on values within the
     * limits, so the arithmetic done with it is cheap.
     */
    static BigDecimal number(JsonNode v) {
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isTextual()) {
            // exactly a decimal: no trim(), which would also strip control characters such as NUL
            String s = v.asText();
            if (s.length() <= 40 && DECIMAL.matcher(s).matches()) {
                return new BigDecimal(s);
            }
        }
        return null;
    }

    private static String kind(JsonNode v) {
        return v.getNodeType().name().toLowerCase();
    }

    private static String describe(JsonNode v) {
        return v.isValueNode() ? SafeText.quote(v.asText(), 60) : kind(v);
    }
}
