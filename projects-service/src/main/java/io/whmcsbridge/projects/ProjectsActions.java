package io.whmcsbridge.projects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.Param;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every method of the vendor's "Remote API Resource Action Reference", as {@code whmcs.projects.<method>}. The
 * resource chain ({@code projects.{project_id}.actions}) takes its ids from the command's params; the other params
 * go to the API's {@code params} JSON (filters, record fields: the vendor leaves them to its sandbox, so they pass
 * through). Reads and deletes are idempotent, creates are not; updates are treated as idempotent (see README).
 * The API: docs/apis/wbteampro.md.
 */
@ApplicationScoped
public class ProjectsActions implements ActionCatalogue {
    public static final String FAMILY = "projects";
    /** An id in a resource chain: {@code {project_id}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    /** One method: its resource chain and the HTTP method that fits its operation. */
    public record Method(String name, String chain, String httpMethod, String description) {
        boolean idempotent() {
            return !httpMethod.equals("POST");
        }

        /** The ids the chain takes from a command's params, in order. */
        List<String> ids() {
            List<String> ids = new ArrayList<>();
            Matcher ph = PLACEHOLDER.matcher(chain);
            while (ph.find()) {
                ids.add(ph.group(1));
            }
            return ids;
        }

        /** The chain with its ids filled in from {@code params}, which keeps only the other params. */
        String resolve(ObjectNode params) {
            StringBuilder resolved = new StringBuilder();
            Matcher ph = PLACEHOLDER.matcher(chain);
            while (ph.find()) {
                ph.appendReplacement(resolved, params.remove(ph.group(1)).asText());
            }
            ph.appendTail(resolved);
            return resolved.toString();
        }
    }

    static final List<Method> METHODS = List.of(
            new Method("findResources", "api.resources", "GET", "Return the API Resource List"),
            new Method("getConfig", "config", "GET", "Return a Config Option"),
            new Method("findProjects", "projects", "GET", "Return a Project List"),
            new Method("createProject", "projects", "POST", "Create a Project"),
            new Method("getProject", "projects.{project_id}", "GET", "Return a Project"),
            new Method("getProjectActions", "projects.{project_id}.actions", "GET", "Return a Project Action List"),
            new Method("getProjectTopics", "projects.{project_id}.topics", "GET", "Return a Project Topic List"),
            new Method("getProjectFiles", "projects.{project_id}.files", "GET", "Return a Project File List"),
            new Method("getProjectTickets", "projects.{project_id}.whmcstickets", "GET", "Return a Project Ticket List"),
            new Method("getProjectTimelogs", "projects.{project_id}.timelogs", "GET", "Return a Project Timelog List"),
            new Method("updateProject", "projects.{project_id}", "PUT", "Update a Project"),
            new Method("deleteProject", "projects.{project_id}", "DELETE", "Delete a Project"),
            new Method("findActions", "actions", "GET", "Return a Action List"),
            new Method("createAction", "actions", "POST", "Create a Action"),
            new Method("getAction", "actions.{action_id}", "GET", "Return a Action"),
            new Method("getActionTopics", "actions.{action_id}.topics", "GET", "Return a Action Topic List"),
            new Method("getActionFiles", "actions.{action_id}.files", "GET", "Return a Action File List"),
            new Method("getActionTickets", "actions.{action_id}.whmcstickets", "GET", "Return a Action Ticket List"),
            new Method("getActionTimelogs", "actions.{action_id}.timelogs", "GET", "Return a Action Timelog List"),
            new Method("updateAction", "actions.{action_id}", "PUT", "Update a Action"),
            new Method("deleteAction", "actions.{action_id}", "DELETE", "Delete a Action"),
            new Method("findTopics", "topics", "GET", "Return a Topic List"),
            new Method("findTopicThreads", "topics.bythread", "GET", "Return a Topic Thread List"),
            new Method("createTopic", "topics", "POST", "Create a Topic"),
            new Method("getTopic", "topics.{topic_id}", "GET", "Return a Topic"),
            new Method("updateTopic", "topics.{topic_id}", "PUT", "Update a Topic"),
            new Method("deleteTopic", "topics.{topic_id}", "DELETE", "Delete a Topic"),
            new Method("findFiles", "files", "GET", "Return a File List"),
            new Method("findFileThreads", "files.bythread", "GET", "Return a File Thread List"),
            new Method("createFile", "files", "POST", "Create a File"),
            new Method("getFile", "files.{file_id}", "GET", "Return a File"),
            new Method("downloadFile", "files.{file_id}.download", "GET", "Download a File (base64, capped in size)"),
            new Method("updateFile", "files.{file_id}", "PUT", "Update a File"),
            new Method("deleteFile", "files.{file_id}", "DELETE", "Delete a File"),
            new Method("findWHMCSTickets", "whmcstickets", "GET", "Return a WHMCS Ticket List"),
            new Method("getWHMCSTicket", "whmcstickets.{ticket_id}", "GET", "Return a WHMCS Ticket"),
            new Method("findTicketXrefs", "ticketxrefs", "GET", "Return a TicketXref List"),
            new Method("createTicketXref", "ticketxrefs", "POST", "Create a TicketXref"),
            new Method("getTicketXref", "ticketxrefs.{xref_id}", "GET", "Return a TicketXref"),
            new Method("updateTicketXref", "ticketxrefs.{xref_id}", "PUT", "Update a TicketXref"),
            new Method("deleteTicketXref", "ticketxrefs.{xref_id}", "DELETE", "Delete a TicketXref"),
            new Method("findTimelogs", "timelogs", "GET", "Return a Timelog List"),
            new Method("createTimelog", "timelogs", "POST", "Create a Timelog"),
            new Method("getTimelog", "timelogs.{timelog_id}", "GET", "Return a Timelog"),
            new Method("updateTimelog", "timelogs.{timelog_id}", "PUT", "Update a Timelog"),
            new Method("deleteTimelog", "timelogs.{timelog_id}", "DELETE", "Delete a Timelog"));

    static final Map<String, Method> BY_NAME = METHODS.stream()
            .collect(java.util.stream.Collectors.toMap(Method::name, m -> m));

    static final List<ActionSpec> SPECS = METHODS.stream().map(ProjectsActions::spec).toList();

    private static ActionSpec spec(Method m) {
        List<Param> params = new ArrayList<>();
        for (String id : m.ids()) {
            params.add(Param.id(id).required().describe("goes into the resource chain"));
        }
        if (m.httpMethod().equals("GET") && !m.chain().contains("{") || m.chain().endsWith("actions")
                || m.chain().endsWith("topics") || m.chain().endsWith("files") || m.chain().endsWith("timelogs")
                || m.chain().endsWith("whmcstickets")) {
            params.add(Param.integer("page").min(1).describe("page of a list"));
            params.add(Param.integer("limit").min(1).max(1000).describe("rows per page (API default 50)"));
        }
        return ActionSpec.builder(EventTypes.commandType(FAMILY, m.name()), m.name())
                .idempotent(m.idempotent())
                // wbTeamPro's lists filter by the record's fields, but none is unique to one command (titles repeat)
                .noReadBack("no exact marker: the record it creates has no field unique to the command that a "
                        + "list filters by; a marker would have to go into a title or text other users see (not built)")
                .reserved(WbTeamProGateway.RESERVED)
                .describe(m.description() + " — " + m.httpMethod() + " " + m.chain() + "; other params: the record's fields or filters")
                .params(params.toArray(Param[]::new))
                .openParams()
                .build();
    }

    @Override
    public Collection<ActionSpec> actions() {
        return SPECS;
    }
}
