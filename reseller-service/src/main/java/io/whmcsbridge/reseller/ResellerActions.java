package io.whmcsbridge.reseller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.Param;
import io.whmcsbridge.runtime.catalogue.Violation;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The 13 client functions of the VoIP reseller API, each a command {@code whmcs.reseller.<function>}.
 * Reads and the two setters are idempotent (setting the same values again changes nothing); {@code addCharge},
 * {@code addPayment} move money and {@code signupClient} creates a client, so they are not.
 * The API: docs/apis/voip-reseller.md.
 */
@ApplicationScoped
public class ResellerActions implements ActionCatalogue {
    public static final String FAMILY = "reseller";

    private static Param client() {
        return Param.id("client").required().describe("ID of a reseller client, e.g. 561115");
    }

    private static ActionSpec.Builder function(String name) {
        return ActionSpec.builder(EventTypes.commandType(FAMILY, name), name).reserved(VoipResellerGateway.RESERVED);
    }

    /** Two fields that must be equal, as signupClient's confirmations. */
    private static java.util.function.Function<ObjectNode, Optional<Violation>> same(String field, String confirm) {
        return p -> p.hasNonNull(field) && p.hasNonNull(confirm) && !p.get(field).asText().equals(p.get(confirm).asText())
                ? Optional.of(new Violation(confirm, "must equal " + field)) : Optional.empty();
    }

    public static final ActionSpec ADD_CHARGE = function("addCharge").idempotent(false)
            .noReadBack("no exact marker: getCharges lists a client's charges with date, amount and description, "
                    + "and only the description, which the client sees, could carry one (free-text marking not built)")
            .describe("Debits an amount from a client's balance")
            .params(client(), Param.money("charge").required().positive().describe("amount debited, e.g. 4.99"),
                    Param.string("description").maxLength(255), Param.bool("test").describe("only check, do not apply"))
            .build();
    public static final ActionSpec ADD_PAYMENT = function("addPayment").idempotent(false)
            .noReadBack("no exact marker: getDeposits lists a client's payments with date, amount and description, "
                    + "and only the description, which the client sees, could carry one (free-text marking not built)")
            .describe("Credits an amount to a client's balance")
            .params(client(), Param.money("payment").required().positive().describe("amount credited, e.g. 4.99"),
                    Param.string("description").maxLength(255), Param.bool("test").describe("only check, do not apply"))
            .build();
    public static final ActionSpec GET_BALANCE_MANAGEMENT = function("getBalanceManagement").idempotent(true)
            .describe("Balance management settings")
            .params(Param.integer("balance_management").min(1).describe("code of one setting, e.g. 1")).build();
    public static final ActionSpec GET_CHARGES = function("getCharges").idempotent(true)
            .describe("Charges of a client").params(client()).build();
    public static final ActionSpec GET_CLIENT_PACKAGES = function("getClientPackages").idempotent(true)
            .describe("Packages of a client").params(client()).build();
    public static final ActionSpec GET_CLIENTS = function("getClients").idempotent(true)
            .describe("Reseller clients (their passwords are removed from results)")
            .params(Param.string("client").maxLength(255).describe("empty for all, a client ID or a client e-mail"))
            // the API answers every client's password in plain text
            .secretAnswers("password")
            .build();
    public static final ActionSpec GET_CLIENT_THRESHOLD = function("getClientThreshold").idempotent(true)
            .describe("Balance threshold of a client").params(client()).build();
    public static final ActionSpec GET_DEPOSITS = function("getDeposits").idempotent(true)
            .describe("Deposits of a client").params(client()).build();
    public static final ActionSpec GET_PACKAGES = function("getPackages").idempotent(true)
            .describe("Packages").params(Param.integer("package").min(1).describe("code of one package, e.g. 8378"))
            .build();
    public static final ActionSpec GET_RESELLER_BALANCE = function("getResellerBalance").idempotent(true)
            .describe("Balance of a client").params(client()).build();
    public static final ActionSpec SET_CLIENT = function("setClient").idempotent(true)
            .describe("Updates a client's record (the required fields are the whole record the API needs)")
            .params(client(), Param.email("email").required(), Param.string("password").required().maxLength(255),
                    Param.string("company").maxLength(255), Param.string("firstname").required().maxLength(255),
                    Param.string("lastname").required().maxLength(255), Param.string("address").maxLength(255),
                    Param.string("city").maxLength(255), Param.string("state").maxLength(255),
                    Param.string("country").maxLength(255).describe("a value of getCountries"),
                    Param.string("zip").maxLength(32), Param.string("phone_number").required().maxLength(32),
                    Param.integer("balance_management").min(1).describe("a value of getBalanceManagement"))
            .secretParams("password")
            .build();
    public static final ActionSpec SET_CLIENT_THRESHOLD = function("setClientThreshold").idempotent(true)
            .describe("Sets a client's balance threshold")
            .params(client(), Param.integer("threshold").required().min(1).max(250).describe("between 1 and 250"),
                    Param.email("email").describe("where the threshold notification goes"))
            .build();
    public static final ActionSpec SIGNUP_CLIENT = function("signupClient").idempotent(false)
            .noReadBack("getClients finds a client by e-mail, but signupClient's password is never stored, so a "
                    + "certain \"not applied\" could not be sent again; a lost answer stays UNKNOWN")
            .describe("Creates a client; the result carries its new client ID")
            .params(Param.string("firstname").required().maxLength(255), Param.string("lastname").required().maxLength(255),
                    Param.string("company").maxLength(255), Param.string("address").required().maxLength(255),
                    Param.string("city").required().maxLength(255), Param.string("state").required().maxLength(255),
                    Param.string("country").required().maxLength(255).describe("a value of getCountries"),
                    Param.string("zip").required().maxLength(32), Param.string("phone_number").required().maxLength(32),
                    Param.email("email").required(), Param.email("confirm_email").required().describe("must equal email"),
                    Param.string("password").required().maxLength(255),
                    Param.string("confirm_password").required().maxLength(255).describe("must equal password"),
                    Param.bool("activate"), Param.integer("balance_management").min(1))
            .rule(same("email", "confirm_email"))
            .rule(same("password", "confirm_password"))
            .secretParams("password", "confirm_password")
            .build();

    @Override
    public Collection<ActionSpec> actions() {
        return List.of(ADD_CHARGE, ADD_PAYMENT, GET_BALANCE_MANAGEMENT, GET_CHARGES, GET_CLIENT_PACKAGES, GET_CLIENTS,
                GET_CLIENT_THRESHOLD, GET_DEPOSITS, GET_PACKAGES, GET_RESELLER_BALANCE, SET_CLIENT,
                SET_CLIENT_THRESHOLD, SIGNUP_CLIENT);
    }
}
