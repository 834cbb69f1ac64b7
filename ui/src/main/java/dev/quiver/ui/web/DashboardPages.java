package dev.quiver.ui.web;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.CollectionSummary;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.gateway.api.NewCollection;
import dev.quiver.gateway.api.Workspace;
import dev.quiver.search.api.CollectionView;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard: the tenant's databases with their collections, forms to create and delete them, and how to connect
 * with the Chroma clients. A refused form re-renders the page with the message beside the field it names and the
 * status the API would answer; a hidden database is the 404 page.
 */
@Controller
@RequestMapping("/console")
class DashboardPages {

    /** The database a new tenant gets, and the one the snippets name when it exists. */
    private static final String DEFAULT_DATABASE = "default_database";

    private final Workspace workspace;

    DashboardPages(Workspace workspace) {
        this.workspace = workspace;
    }

    /** A database and its collections, by name. */
    record DatabaseRow(String name, List<CollectionRow> collections) {

        DatabaseRow {
            requireNonNull(name, "name is null");
            collections = List.copyOf(collections);
        }
    }

    /**
     * A collection as the dashboard lists it.
     *
     * @param dimension empty before the first write fixes it
     * @param stored    the bytes its records take, as the storage quota counts them
     * @param size      the bytes of its index files on disk
     */
    record CollectionRow(String name, String id, long records, String dimension, String metric, String stored,
            String size) {
    }

    @GetMapping("/dashboard")
    String dashboard(ConsoleUser me, @RequestParam(defaultValue = "") String database, Model model,
            HttpServletRequest request) {
        model.addAttribute("collectionDatabase", database);
        model.addAttribute("collectionMetric", "l2");
        return page(me, model, request);
    }

    @PostMapping("/databases")
    String createDatabase(ConsoleUser me, @RequestParam(defaultValue = "") String name, Model model,
            HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect) {
        try {
            DatabaseView created = workspace.createDatabase(me.principal(), name);
            redirect.addFlashAttribute("notice", "Database " + created.name() + " created.");
            redirect.addAttribute("database", created.name());
            return "redirect:/console/dashboard";
        } catch (QuiverException refused) {
            if (!Refusals.belongsToForm(refused)) {
                throw refused;
            }
            response.setStatus(refused.code().status());
            Refusals.show(model, "database", refused);
            model.addAttribute("databaseName", name);
            model.addAttribute("collectionMetric", "l2");
            return page(me, model, request);
        }
    }

    @PostMapping("/databases/{database}/delete")
    String deleteDatabase(ConsoleUser me, @PathVariable String database, RedirectAttributes redirect) {
        workspace.deleteDatabase(me.principal(), database);
        redirect.addFlashAttribute("notice", "Database " + database + " and its collections deleted.");
        return "redirect:/console/dashboard";
    }

    @PostMapping("/collections")
    String createCollection(ConsoleUser me, @RequestParam(defaultValue = "") String database,
            @RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String metric,
            @RequestParam(defaultValue = "") String metadata,
            @RequestParam(name = "embedding_function", defaultValue = "") String embeddingFunction, Model model,
            HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect) {
        try {
            CollectionSummary created = workspace.createCollection(me.principal(), database,
                    new NewCollection(name, metric, metadata, embeddingFunction));
            redirect.addFlashAttribute("notice", "Collection " + created.collection().name() + " created.");
            redirect.addAttribute("database", database);
            redirect.addAttribute("collection", created.collection().name());
            return "redirect:/console/databases/{database}/collections/{collection}";
        } catch (QuiverException refused) {
            if (!Refusals.belongsToForm(refused)) {
                throw refused;
            }
            response.setStatus(refused.code().status());
            Refusals.show(model, "collection", refused);
            model.addAttribute("collectionDatabase", database);
            model.addAttribute("collectionName", name);
            model.addAttribute("collectionMetric", metric);
            model.addAttribute("collectionMetadata", metadata);
            model.addAttribute("collectionEmbeddingFunction", embeddingFunction);
            return page(me, model, request);
        }
    }

    /**
     * Fills the dashboard's model. A suspended tenant or a role without {@code records.read} still gets the page,
     * with the reason where the databases would be, so its members can find their keys and the way out.
     */
    private String page(ConsoleUser me, Model model, HttpServletRequest request) {
        Principal principal = me.principal();
        TenantView tenant = principal.tenant();
        model.addAttribute("canManageDatabases", principal.can(Privilege.DATABASE_MANAGE));
        model.addAttribute("canCreateCollections", principal.can(Privilege.COLLECTION_CREATE));
        model.addAttribute("canManageKeys", principal.can(Privilege.KEYS_MANAGE));
        if (tenant == null) {
            // An operator who is nobody's member: there is no data of its own to show.
            model.addAttribute("databases", List.of());
            model.addAttribute("anyCollection", false);
            model.addAttribute("noTenant", true);
            return "console/dashboard";
        }
        List<DatabaseRow> databases = new ArrayList<>();
        @Nullable String unavailable = null;
        try {
            for (DatabaseView database : workspace.databases(principal)) {
                List<CollectionRow> collections = new ArrayList<>();
                for (CollectionSummary summary : workspace.collections(principal, database.name())) {
                    collections.add(row(summary));
                }
                databases.add(new DatabaseRow(database.name(), collections));
            }
        } catch (QuiverException refused) {
            if (refused.code().status() != 403) {
                throw refused;
            }
            unavailable = refused.getMessage();
        }
        boolean anyCollection = databases.stream().anyMatch(database -> !database.collections().isEmpty());
        String snippetDatabase = databases.stream().map(DatabaseRow::name).filter(DEFAULT_DATABASE::equals)
                .findFirst().orElse(databases.isEmpty() ? DEFAULT_DATABASE : databases.getFirst().name());
        model.addAttribute("databases", databases);
        model.addAttribute("unavailable", unavailable);
        model.addAttribute("anyCollection", anyCollection);
        model.addAttribute("snippetDatabase", snippetDatabase);
        model.addAttribute("snippets", ClientSnippets.connect(ClientSnippets.Endpoint.of(request), tenant.name(),
                snippetDatabase, ClientSnippets.KEY_PLACEHOLDER));
        return "console/dashboard";
    }

    private static CollectionRow row(CollectionSummary summary) {
        CollectionView collection = summary.collection();
        Integer dimension = collection.dimension();
        return new CollectionRow(collection.name(), collection.id().toString(), summary.records(),
                dimension == null ? "" : dimension.toString(), collection.hnsw().space().chromaName(),
                Display.bytes(summary.storedBytes()), Display.bytes(summary.diskBytes()));
    }
}
