package dev.quiver.ui.web;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.RoleView;
import dev.quiver.ui.web.PrivilegeDescriptions.PrivilegeOption;
import jakarta.servlet.http.HttpServletResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
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
 * The roles page: the built-in roles and the tenant's custom ones with what each allows, and, for callers with
 * {@code roles.manage}, an editor that creates a custom role or changes one's privileges ({@code ?edit=name}) and
 * a way to delete one. Anyone else reads; a caller who may not even list the roles (a viewer) sees its own role
 * and privileges instead, since that is all the API lets it know.
 */
@Controller
@RequestMapping("/console/roles")
class RolePages {

    private final Members members;

    RolePages(Members members) {
        this.members = members;
    }

    /** A role as a table row shows it. */
    record RoleRow(String name, boolean builtIn, List<PrivilegeOption> privileges) {
    }

    /**
     * What the editor shows: the role's name (null for a new role), whether it edits an existing role, and the
     * privilege keys ticked.
     */
    record Editor(@Nullable String name, boolean existing, Set<String> checked) {
    }

    @GetMapping
    String page(ConsoleUser me, @RequestParam(required = false) @Nullable String edit, Model model) {
        Editor editor = new Editor(null, false, Set.of());
        if (edit != null && me.principal().can(Privilege.ROLES_MANAGE)) {
            RoleView role = custom(me.principal(), edit).orElseThrow(
                    () -> new QuiverException(ErrorCode.NOT_FOUND, "Role [" + edit + "] does not exist"));
            editor = new Editor(role.name(), true, keys(role.privileges()));
        }
        return render(me, editor, model);
    }

    @PostMapping
    String create(ConsoleUser me, @RequestParam(defaultValue = "") String name,
            @RequestParam(required = false) @Nullable List<String> privileges, Model model,
            HttpServletResponse response, RedirectAttributes redirect) {
        try {
            members.createRole(me.principal(), name.trim(), privileges(privileges));
            redirect.addFlashAttribute("notice", "Role " + name.trim() + " created.");
            return "redirect:/console/roles";
        } catch (QuiverException refused) {
            rethrowUnlessForm(me.principal(), refused);
            response.setStatus(refused.code().status());
            Forms.refusal(model, refused);
            return render(me, new Editor(name, false, checked(privileges)), model);
        }
    }

    @PostMapping("/{name}")
    String update(ConsoleUser me, @PathVariable String name,
            @RequestParam(required = false) @Nullable List<String> privileges, Model model,
            HttpServletResponse response, RedirectAttributes redirect) {
        try {
            members.updateRole(me.principal(), name, privileges(privileges));
            redirect.addFlashAttribute("notice", "Role " + name + " saved; its members and keys have the new "
                    + "privileges from their next request.");
            return "redirect:/console/roles";
        } catch (QuiverException refused) {
            rethrowUnlessForm(me.principal(), refused);
            response.setStatus(refused.code().status());
            Forms.refusal(model, refused);
            return render(me, new Editor(name, true, checked(privileges)), model);
        }
    }

    @PostMapping("/{name}/delete")
    String delete(ConsoleUser me, @PathVariable String name, Model model, HttpServletResponse response,
            RedirectAttributes redirect) {
        try {
            members.deleteRole(me.principal(), name);
            redirect.addFlashAttribute("notice", "Role " + name + " deleted.");
            return "redirect:/console/roles";
        } catch (QuiverException refused) {
            rethrowUnlessForm(me.principal(), refused);
            response.setStatus(refused.code().status());
            model.addAttribute("formError", refused.getMessage());
            return render(me, new Editor(null, false, Set.of()), model);
        }
    }

    private String render(ConsoleUser me, Editor editor, Model model) {
        Principal principal = TenantPages.inTenant(me);
        model.addAttribute("manage", principal.can(Privilege.ROLES_MANAGE));
        model.addAttribute("editor", editor);
        model.addAttribute("catalogue", PrivilegeDescriptions.all());
        model.addAttribute("ownRole", new RoleRow(principal.role(), false,
                PrivilegeDescriptions.of(principal.privileges())));
        List<RoleView> roles = visibleRoles(principal);
        model.addAttribute("listed", !roles.isEmpty());
        model.addAttribute("builtIn", roles.stream().filter(RoleView::builtIn).map(RolePages::row).toList());
        model.addAttribute("custom", roles.stream().filter(role -> !role.builtIn()).map(RolePages::row).toList());
        return "console/roles";
    }

    /** The roles, or none when the caller's role may not list them (the API's rule, not the page's). */
    private List<RoleView> visibleRoles(Principal principal) {
        try {
            return members.roles(principal);
        } catch (QuiverException refused) {
            if (refused.code() != ErrorCode.PERMISSION_DENIED) {
                throw refused;
            }
            return List.of();
        }
    }

    private Optional<RoleView> custom(Principal principal, String name) {
        return members.roles(principal).stream().filter(role -> !role.builtIn() && role.name().equals(name))
                .findFirst();
    }

    private static void rethrowUnlessForm(Principal principal, QuiverException refused) {
        if (!principal.can(Privilege.ROLES_MANAGE) || refused.code().status() == 404) {
            throw refused;
        }
    }

    /** The ticked keys as privileges; a key that is not in the catalogue (a tampered form) is refused. */
    private static Set<Privilege> privileges(@Nullable List<String> keys) {
        Set<Privilege> privileges = EnumSet.noneOf(Privilege.class);
        for (String key : checked(keys)) {
            privileges.add(Privilege.fromKey(key).orElseThrow(() -> QuiverException.invalidField(
                    ErrorCode.INVALID_ARGUMENT, "privileges", "unknown", "There is no privilege [" + key + "]")));
        }
        return privileges;
    }

    private static Set<String> checked(@Nullable List<String> keys) {
        return keys == null ? Set.of() : Set.copyOf(keys);
    }

    private static Set<String> keys(Set<Privilege> privileges) {
        return PrivilegeDescriptions.of(privileges).stream().map(PrivilegeOption::key)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static RoleRow row(RoleView role) {
        return new RoleRow(role.name(), role.builtIn(), PrivilegeDescriptions.of(role.privileges()));
    }
}
