package dev.quiver.ui.web;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.common.UserId;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.Invitation;
import dev.quiver.tenant.api.MemberView;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.RoleView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.Serializable;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The members page: who belongs to the tenant with which role, changing a role, removing a member, and inviting
 * someone. An invitation's link holds its secret token, so it is shown once, through a flash attribute that the
 * next page view consumes; reloading the page does not show it again. Members without {@code members.manage} see
 * why there is nothing to manage, and the API refuses their writes (the 403 page).
 */
@Controller
@RequestMapping("/console/members")
class MemberPages {

    private final Members members;
    private final Accounts accounts;

    MemberPages(Members members, Accounts accounts) {
        this.members = members;
        this.accounts = accounts;
    }

    /**
     * An invitation as the page shows it once: the absolute link to send and when it stops working. Serializable
     * because flash attributes live in the JDBC-backed session until the next request.
     */
    record InvitationLink(String email, String role, String url, String expiresAt, String expiresShown)
            implements Serializable {
    }

    /** A member as a table row shows it; {@code joinedAt} is ISO-8601 for {@code <time datetime>}. */
    record MemberRow(String id, String email, String role, String joinedAt, String joinedShown) {

        static MemberRow of(MemberView member) {
            return new MemberRow(member.user().id().toString(), member.user().email(), member.role(),
                    member.joinedAt().toString(), Times.shown(member.joinedAt()));
        }
    }

    @GetMapping
    String page(ConsoleUser me, Model model) {
        return render(me, model);
    }

    @PostMapping("/invitations")
    String invite(ConsoleUser me, @RequestParam(defaultValue = "") String email,
            @RequestParam(defaultValue = "") String role, Model model, HttpServletRequest request,
            HttpServletResponse response, RedirectAttributes redirect) {
        try {
            Invitation invitation = accounts.invite(me.principal(), email, role);
            String url = ServletUriComponentsBuilder.fromContextPath(request)
                    .path("/console/invitations/{token}").buildAndExpand(invitation.token()).toUriString();
            redirect.addFlashAttribute("invitation",
                    new InvitationLink(invitation.email(), invitation.role(), url,
                            invitation.expiresAt().toString(), Times.shown(invitation.expiresAt())));
            return "redirect:/console/members";
        } catch (QuiverException refused) {
            rethrowUnlessForm(me.principal(), refused);
            response.setStatus(refused.code().status());
            Forms.refusal(model, refused);
            model.addAttribute("inviteEmail", email);
            model.addAttribute("inviteRole", role);
            return render(me, model);
        }
    }

    @PostMapping("/{userId}/role")
    String changeRole(ConsoleUser me, @PathVariable String userId, @RequestParam(defaultValue = "") String role,
            Model model, HttpServletResponse response, RedirectAttributes redirect) {
        UserId member = userId(userId);
        try {
            members.changeRole(me.principal(), member, role);
            redirect.addFlashAttribute("notice", "Role changed to " + role + ".");
            return "redirect:/console/members";
        } catch (QuiverException refused) {
            rethrowUnlessForm(me.principal(), refused);
            response.setStatus(refused.code().status());
            model.addAttribute("formError", refused.getMessage());
            return render(me, model);
        }
    }

    @PostMapping("/{userId}/remove")
    String remove(ConsoleUser me, @PathVariable String userId, Model model, HttpServletResponse response,
            RedirectAttributes redirect) {
        UserId member = userId(userId);
        try {
            members.remove(me.principal(), member);
            redirect.addFlashAttribute("notice", "Member removed; their sessions end with their next request.");
            return "redirect:/console/members";
        } catch (QuiverException refused) {
            rethrowUnlessForm(me.principal(), refused);
            response.setStatus(refused.code().status());
            model.addAttribute("formError", refused.getMessage());
            return render(me, model);
        }
    }

    private String render(ConsoleUser me, Model model) {
        Principal principal = TenantPages.inTenant(me);
        boolean manage = principal.can(Privilege.MEMBERS_MANAGE);
        model.addAttribute("manage", manage);
        if (manage) {
            List<MemberRow> list = members.list(principal).stream().map(MemberRow::of).toList();
            List<String> roles = members.roles(principal).stream().map(RoleView::name).toList();
            model.addAttribute("members", list);
            model.addAttribute("roles", roles);
        }
        return "console/members";
    }

    /**
     * A caller without the privilege, or a member that is not there, gets the error page like any API refusal;
     * what the form can help with (a bad e-mail, an owner who may not be removed) stays on the page.
     */
    private static void rethrowUnlessForm(Principal principal, QuiverException refused) {
        if (!principal.can(Privilege.MEMBERS_MANAGE) || refused.code().status() == 404) {
            throw refused;
        }
    }

    /** A member's id from the path; anything that is not one is the same 404 as a member of another tenant. */
    static UserId userId(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.toString().equalsIgnoreCase(id)) {
                return new UserId(uuid);
            }
        } catch (IllegalArgumentException e) {
            // not an id: not found below
        }
        throw new QuiverException(ErrorCode.NOT_FOUND, "Member [" + id + "] does not exist");
    }
}
