package dev.quiver.ui.web;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.CollectionSummary;
import dev.quiver.gateway.api.ConsoleQuery;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.gateway.api.Neighbour;
import dev.quiver.gateway.api.Workspace;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.StoredRecord;
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
 * A collection's page: its facts, a page of its records, a query form and deletion. The query runs on a GET, so a
 * result can be bookmarked and the back button works; a refused query re-renders the page with the message beside
 * the field it names. Numbers arrive as text and are checked here, so a mistyped one is a message, never an error
 * page.
 */
@Controller
@RequestMapping("/console/databases/{database}/collections/{collection}")
class CollectionPages {

    /** Records per page of the peek table. */
    static final int PAGE_SIZE = 20;

    /** Neighbours a query asks for unless told otherwise, as Chroma's clients do. */
    static final int DEFAULT_RESULTS = 10;

    private final Workspace workspace;

    CollectionPages(Workspace workspace) {
        this.workspace = workspace;
    }

    /** A record as the tables show it; {@code distance} is empty outside query results. */
    record RecordRow(String id, String document, String metadata, String embedding, String distance) {

        RecordRow {
            requireNonNull(id, "id is null");
        }

        static RecordRow of(StoredRecord record, String distance) {
            return new RecordRow(record.id(), record.document() == null ? "" : record.document(),
                    Display.metadata(record.metadata()), Display.vector(record.embedding()), distance);
        }
    }

    @GetMapping
    String collection(ConsoleUser me, @PathVariable String database, @PathVariable String collection,
            @RequestParam(defaultValue = "0") String offset, @RequestParam(required = false) @Nullable String embedding,
            @RequestParam(required = false) @Nullable String text,
            @RequestParam(required = false) @Nullable String where,
            @RequestParam(required = false) @Nullable String n, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        Principal principal = me.principal();
        CollectionSummary summary = workspace.collection(principal, database, collection);
        CollectionView view = summary.collection();
        int start = nonNegative(offset);
        List<StoredRecord> page = workspace.peek(principal, database, collection, start, PAGE_SIZE + 1);
        List<RecordRow> rows = new ArrayList<>();
        for (int i = 0; i < Math.min(PAGE_SIZE, page.size()); i++) {
            rows.add(RecordRow.of(page.get(i), ""));
        }
        model.addAttribute("database", database);
        model.addAttribute("summary", summary);
        model.addAttribute("name", view.name());
        model.addAttribute("id", view.id().toString());
        model.addAttribute("metric", view.hnsw().space().chromaName());
        model.addAttribute("dimension", view.dimension() == null ? "not set yet" : view.dimension().toString());
        model.addAttribute("stored", Display.bytes(summary.storedBytes()));
        model.addAttribute("size", Display.bytes(summary.diskBytes()));
        model.addAttribute("rows", rows);
        model.addAttribute("offset", start);
        model.addAttribute("firstShown", rows.isEmpty() ? 0 : start + 1);
        model.addAttribute("lastShown", start + rows.size());
        model.addAttribute("previousOffset", start > 0 ? Math.max(0, start - PAGE_SIZE) : null);
        model.addAttribute("nextOffset", page.size() > PAGE_SIZE ? start + PAGE_SIZE : null);
        model.addAttribute("canDelete", principal.can(Privilege.COLLECTION_DELETE));
        model.addAttribute("embedding", embedding);
        model.addAttribute("text", text);
        model.addAttribute("where", where);
        model.addAttribute("n", n == null || n.isBlank() ? Integer.toString(DEFAULT_RESULTS) : n);
        TenantView tenant = principal.tenant();
        if (summary.records() == 0 && tenant != null) {
            model.addAttribute("snippets", ClientSnippets.add(ClientSnippets.Endpoint.of(request), tenant.name(),
                    database, view.name(), ClientSnippets.KEY_PLACEHOLDER));
        }
        if (embedding != null || text != null || where != null) {
            try {
                ConsoleQuery query = new ConsoleQuery(embedding, text, where, results(n));
                List<RecordRow> results = new ArrayList<>();
                for (Neighbour neighbour : workspace.query(principal, database, collection, query)) {
                    results.add(RecordRow.of(neighbour.record(), Display.distance(neighbour.distance())));
                }
                model.addAttribute("results", results);
            } catch (QuiverException refused) {
                if (!Refusals.belongsToForm(refused)) {
                    throw refused;
                }
                response.setStatus(refused.code().status());
                Refusals.show(model, "query", refused);
            }
        }
        return "console/collection";
    }

    @PostMapping("/delete")
    String delete(ConsoleUser me, @PathVariable String database, @PathVariable String collection,
            RedirectAttributes redirect) {
        workspace.deleteCollection(me.principal(), database, collection);
        redirect.addFlashAttribute("notice", "Collection " + collection + " and its records deleted.");
        return "redirect:/console/dashboard";
    }

    /** An offset typed into the address bar: anything but a whole number of at least 0 means the first page. */
    private static int nonNegative(String offset) {
        try {
            return Math.max(0, Integer.parseInt(offset.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The number of results; not a whole number is refused naming {@code n_results}, as the API does. */
    private static int results(@Nullable String n) {
        if (n == null || n.isBlank()) {
            return DEFAULT_RESULTS;
        }
        try {
            return Integer.parseInt(n.trim());
        } catch (NumberFormatException e) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "n_results", "integer",
                    "Validation error: n_results: must be a whole number from 1 to 100");
        }
    }
}
