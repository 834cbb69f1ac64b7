package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.common.UserId;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.Invitation;
import dev.quiver.tenant.api.MemberView;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.Principal;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Members of the caller's tenant and invitations into it. Needs {@code members.manage}. */
@RestController
@RequestMapping("/api/control/v1")
class ControlMemberController {

    private final Members members;
    private final Accounts accounts;

    ControlMemberController(Members members, Accounts accounts) {
        this.members = members;
        this.accounts = accounts;
    }

    @GetMapping("/members")
    List<Map<String, @Nullable Object>> list(Principal caller) {
        return members.list(caller).stream().map(ControlMemberController::member).toList();
    }

    @PatchMapping("/members/{userId}")
    ResponseEntity<Void> changeRole(Principal caller, @PathVariable String userId, JsonNode body) {
        String role = ControlJson.requiredString(body, "role");
        members.changeRole(caller, new UserId(ControlJson.pathId(userId, "Member")), role);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/members/{userId}")
    ResponseEntity<Void> remove(Principal caller, @PathVariable String userId) {
        members.remove(caller, new UserId(ControlJson.pathId(userId, "Member")));
        return ResponseEntity.noContent().build();
    }

    /** The token is in the answer: sending it to the invitee is the caller's job until Quiver sends e-mail. */
    @PostMapping("/invitations")
    ResponseEntity<Map<String, @Nullable Object>> invite(Principal caller, JsonNode body) {
        Invitation invitation = accounts.invite(caller, ControlJson.requiredString(body, "email"),
                ControlJson.requiredString(body, "role"));
        return ResponseEntity.status(HttpStatus.CREATED).body(object("email", invitation.email(),
                "role", invitation.role(), "token", invitation.token(),
                "expires_at", ControlJson.instant(invitation.expiresAt())));
    }

    private static Map<String, @Nullable Object> member(MemberView member) {
        return object("user", object("id", member.user().id().toString(), "email", member.user().email()),
                "role", member.role(), "joined_at", ControlJson.instant(member.joinedAt()));
    }
}
