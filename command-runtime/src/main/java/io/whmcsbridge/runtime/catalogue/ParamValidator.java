package io.whmcsbridge.runtime.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks a command's parameters against its {@link ActionSpec} and normalises them (numbers as numbers, money as
 * exact decimals, booleans as booleans). Every problem is reported, each naming its field.
 */
public final class ParamValidator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern INTEGER = Pattern.compile("^-?\\d{1,18}$");
    private static final Pattern DECIMAL = Pattern.compile("^-?\\d{1,15}(\\.\\d+)?$");
    /** Longest text value we send anywhere; a WHMCS text column is at most 64 KiB. */
    public static final int MAX_TEXT = 65_535;

    private ParamValidator() {
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
        List<Violation> violations = new ArrayList<>();
        ObjectNode out = NODES.objectNode();
        for (Param p : spec.params()) {
            JsonNode v = given.get(p.name());
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
                if (p.mandatory()) {
                    violations.add(new Violation(p.name(), "is required"));
                }
                continue;
            }
            Object normalised = check(p, v, violations);
            if (normalised instanceof JsonNode n) {
                out.set(p.name(), n);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (spec.param(e.getKey()).isEmpty()) {
                if (spec.openParams()) {
                    out.set(e.getKey(), e.getValue());
                } else {
                    violations.add(new Violation(e.getKey(), "is not a parameter of " + spec.action()));
                }
            }
        }
        if (violations.isEmpty()) {
            for (Function<ObjectNode, Optional<Violation>> rule : spec.rules()) {
                rule.apply(out).ifPresent(violations::add);
            }
        }
        return new Result(out, List.copyOf(violations));
    }

    private static Object check(Param p, JsonNode v, List<Violation> violations) {
        String name = p.name();
        switch (p.kind()) {
            case STRING, EMAIL, DATE, ENUM -> {
                if (!v.isValueNode()) {
                    violations.add(new Violation(name, "must be text, got " + kind(v)));
                    return null;
                }
                String s = v.asText();
                int max = p.maxLength() == null ? MAX_TEXT : p.maxLength();
                if (s.length() > max) {
                    violations.add(new Violation(name, "is longer than " + max + " characters"));
                    return null;
                }
                if (containsControl(s)) {
                    violations.add(new Violation(name, "contains control characters"));
                    return null;
                }
                if (p.kind() == ParamKind.EMAIL && !EMAIL.matcher(s).matches()) {
                    violations.add(new Violation(name, "is not an e-mail address: '" + shorten(s) + "'"));
                    return null;
                }
                if (p.kind() == ParamKind.DATE) {
                    try {
                        LocalDate.parse(s);
                    } catch (DateTimeParseException e) {
                        violations.add(new Violation(name, "must be a date YYYY-MM-DD, got '" + shorten(s) + "'"));
                        return null;
                    }
                }
                if (p.kind() == ParamKind.ENUM && !p.allowed().contains(s)) {
                    violations.add(new Violation(name, "must be one of " + String.join(", ", p.allowed())
                            + ", got '" + shorten(s) + "'"));
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
                if (!inRange(p, n, violations)) {
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
                if (!inRange(p, n, violations)) {
                    return null;
                }
                return NODES.numberNode(n);
            }
            case BOOLEAN -> {
                if (v.isBoolean()) {
                    return v;
                }
                String s = v.asText().strip().toLowerCase();
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
                return v;
            }
            default -> {
                return v;
            }
        }
    }

    private static boolean inRange(Param p, BigDecimal n, List<Violation> violations) {
        if (p.strictlyPositive() && n.signum() <= 0) {
            violations.add(new Violation(p.name(), "must be greater than 0, got " + n.toPlainString()));
            return false;
        }
        if (p.min() != null && n.compareTo(p.min()) < 0) {
            violations.add(new Violation(p.name(), "must be at least " + p.min().toPlainString() + ", got " + n.toPlainString()));
            return false;
        }
        if (p.max() != null && n.compareTo(p.max()) > 0) {
            violations.add(new Violation(p.name(), "must be at most " + p.max().toPlainString() + ", got " + n.toPlainString()));
            return false;
        }
        return true;
    }

    /** A number given as a JSON number or as a string; null when it is neither. */
    static BigDecimal number(JsonNode v) {
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isTextual()) {
            // exactly a decimal: no trim(), which would also strip control characters such as NUL
            String s = v.asText();
            if (DECIMAL.matcher(s).matches()) {
                return new BigDecimal(s);
            }
        }
        return null;
    }

    private static boolean containsControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static String kind(JsonNode v) {
        return v.getNodeType().name().toLowerCase();
    }

    private static String describe(JsonNode v) {
        return v.isValueNode() ? "'" + shorten(v.asText()) + "'" : kind(v);
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
