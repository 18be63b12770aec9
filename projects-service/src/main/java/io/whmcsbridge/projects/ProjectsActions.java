package io.whmcsbridge.projects;

import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

/** The commands of projects-service. (Being written: the catalogue is filled in by the projects issue.) */
@ApplicationScoped
public class ProjectsActions implements ActionCatalogue {
    public static final String FAMILY = "projects";

    @Override
    public Collection<ActionSpec> actions() {
        return List.of();
    }
}
