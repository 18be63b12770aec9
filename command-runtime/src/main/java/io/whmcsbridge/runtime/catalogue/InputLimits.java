package io.whmcsbridge.runtime.catalogue;

/**
 * Bounds of a command's parameters, checked by {@link ParamValidator} before anything computes with a value: a
 * parameter beyond them makes the command REJECTED with a violation naming it. Configured as {@code whmcs.input.*}
 * ({@link io.whmcsbridge.runtime.config.InputConfig}); the defaults are {@link #DEFAULTS}.
 *
 * @param maxNameLength   longest parameter name, and longest key of an object inside a parameter
 * @param maxStringLength longest text value (a parameter's own {@code maxLength} may be shorter)
 * @param maxDepth        deepest nesting inside one parameter's value (a list of objects is 2)
 * @param maxItems        most parameters of a command, and most items of one list or object
 * @param maxNumberDigits most digits of a number written out in full, so both its precision and its exponent:
 *                        {@code 1e39} and {@code 0.1234} fit 40, {@code 1e40} does not
 */
public record InputLimits(int maxNameLength, int maxStringLength, int maxDepth, int maxItems, int maxNumberDigits) {

    /** The defaults, also those of {@code whmcs.input.*}. */
    public static final InputLimits DEFAULTS = new InputLimits(64, 65_535, 8, 1_000, 40);

    public InputLimits {
        if (maxNameLength < 1 || maxStringLength < 1 || maxDepth < 1 || maxItems < 1 || maxNumberDigits < 1) {
            throw new IllegalArgumentException("every whmcs.input limit must be at least 1");
        }
    }
}
