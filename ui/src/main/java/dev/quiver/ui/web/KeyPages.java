package dev.quiver.ui.web;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.gateway.api.Workspace;
import dev.quiver.tenant.api.ApiKeyId;
import dev.quiver.tenant.api.ApiKeyView;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.MintKey;
import dev.quiver.tenant.api.MintedKey;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.RoleView;
import dev.quiver.tenant.api.TenantView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 * API keys: the tenant's keys, minting and revoking. A minted key's secret is shown once, on the page that answers
 * the mint request itself: it never travels in a redirect, a URL or the session, and the console's responses are
 * not cached. A member without {@code keys.manage} sees why instead of the form, and a mint or revoke posted anyway
 * is the API's refusal, the 403 page.
 */
@Controller
@RequestMapping("/console/keys")
class KeyPages {

    private final ApiKeys keys;
    private final Members members;
    private final Workspace workspace;

    KeyPages(ApiKeys keys, Members members, Workspace workspace) {
        this.keys = keys;
        this.members = members;
        this.workspace = workspace;
    }

    /**
     * A key as the table shows it.
     *
     * @param databases the database names, or {@code all}
     */
    record KeyRow(String id, String name, String role, String prefix, String databases, String created,
            String expires, boolean revoked) {

        static KeyRow of(ApiKeyView key) {
            List<String> databases = key.databases();
            return new KeyRow(key.id().toString(), key.name(), key.role(), key.prefix(),
                    databases == null ? "all" : String.join(", ", databases), Display.instant(key.createdAt()),
                    key.expiresAt() == null ? "never" : Display.instant(key.expiresAt()), key.revokedAt() != null);
        }
    }

    /** The key just minted, with its secret and the snippets that use it. */
    record Minted(String name, String role, String secret, ClientSnippets snippets) {

        Minted {
            requireNonNull(secret, "secret is null");
        }
    }

    @GetMapping
    String list(ConsoleUser me, Model model) {
        model.addAttribute("mintRole", "editor");
        model.addAttribute("mintDatabases", List.of());
        return page(me, model);
    }

    /**
     * Mints a key and answers with the page that shows its secret. The expiry is a calendar date: the key works
     * through the end of that day, UTC.
     */
    @PostMapping
    String mint(ConsoleUser me, @RequestParam(defaultValue = "") String name,
            @RequestParam(defaultValue = "") String role,
            @RequestParam(name = "databases", required = false) @Nullable List<String> databases,
            @RequestParam(name = "expires", defaultValue = "") String expires, Model model,
            HttpServletRequest request, HttpServletResponse response) {
        List<String> chosen = databases == null ? List.of() : List.copyOf(databases);
        // The API checks the privilege before the input; the expiry is parsed here, so check it first here too.
        me.principal().require(Privilege.KEYS_MANAGE);
        try {
            MintedKey minted = keys.mint(me.principal(),
                    new MintKey(name, role, chosen.isEmpty() ? null : chosen, expiry(expires)));
            TenantView tenant = requireNonNull(me.principal().tenant(), "a key was minted outside a tenant");
            String database = chosen.isEmpty() ? "default_database" : chosen.getFirst();
            model.addAttribute("minted", new Minted(minted.key().name(), minted.key().role(), minted.secret(),
                    ClientSnippets.connect(ClientSnippets.Endpoint.of(request), tenant.name(), database,
                            minted.secret())));
            response.setStatus(201);
            model.addAttribute("mintRole", "editor");
            model.addAttribute("mintDatabases", List.of());
        } catch (QuiverException refused) {
            if (!Refusals.belongsToForm(refused)) {
                throw refused;
            }
            response.setStatus(refused.code().status());
            Refusals.show(model, "mint", refused);
            model.addAttribute("mintName", name);
            model.addAttribute("mintRole", role);
            model.addAttribute("mintDatabases", chosen);
            model.addAttribute("mintExpires", expires);
        }
        return page(me, model);
    }

    @PostMapping("/{key}/revoke")
    String revoke(ConsoleUser me, @PathVariable String key, RedirectAttributes redirect) {
        keys.revoke(me.principal(), keyId(key));
        redirect.addFlashAttribute("notice", "Key revoked: programs using it are refused from their next request.");
        return "redirect:/console/keys";
    }

    private String page(ConsoleUser me, Model model) {
        Principal principal = me.principal();
        boolean canManage = principal.can(Privilege.KEYS_MANAGE) && principal.tenant() != null;
        model.addAttribute("canManage", canManage);
        model.addAttribute("role", principal.role());
        if (!canManage) {
            return "console/keys";
        }
        List<KeyRow> rows = new ArrayList<>();
        for (ApiKeyView key : keys.list(principal)) {
            rows.add(KeyRow.of(key));
        }
        List<String> roles = new ArrayList<>();
        for (RoleView role : members.roles(principal)) {
            roles.add(role.name());
        }
        model.addAttribute("keys", rows);
        model.addAttribute("roles", roles);
        model.addAttribute("databaseNames", databaseNames(principal));
        return "console/keys";
    }

    /**
     * The databases a key may be limited to. A suspended tenant's members may still manage keys but not read its
     * databases; they then mint keys for every database.
     */
    private List<String> databaseNames(Principal principal) {
        try {
            List<String> names = new ArrayList<>();
            for (DatabaseView database : workspace.databases(principal)) {
                names.add(database.name());
            }
            return names;
        } catch (QuiverException refused) {
            if (refused.code().status() != 403) {
                throw refused;
            }
            return List.of();
        }
    }

    private static @Nullable Instant expiry(String date) {
        if (date.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(date.trim()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "expires_at", "date",
                    "Give the expiry as a date, for example 2030-12-31");
        }
    }

    /** A key id from the URL; one that is not even a UUID is as unknown as any other. */
    private static ApiKeyId keyId(String key) {
        try {
            return new ApiKeyId(UUID.fromString(key));
        } catch (IllegalArgumentException e) {
            throw new QuiverException(ErrorCode.NOT_FOUND, "API key [" + key + "] does not exist");
        }
    }
}
