package io.whmcsbridge.model;

/** Names of topics and event types: {@code whmcs.<family>.<action>} in, {@code ...result} out. */
public final class EventTypes {
    public static final String PREFIX = "whmcs.";
    public static final String RESULT_SUFFIX = ".result";

    public static String commandType(String family, String action) {
        return PREFIX + family + "." + action;
    }

    public static String resultType(String commandType) {
        return commandType + RESULT_SUFFIX;
    }

    public static String commandsTopic(String family) {
        return PREFIX + family + ".commands";
    }

    public static String resultsTopic(String family) {
        return PREFIX + family + ".results";
    }

    public static String dlqTopic(String family) {
        return commandsTopic(family) + ".dlq";
    }

    private EventTypes() {
    }
}
