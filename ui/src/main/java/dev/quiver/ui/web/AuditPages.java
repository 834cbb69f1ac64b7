package dev.quiver.ui.web;

import dev.quiver.common.Privilege;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.tenant.api.AuditEntry;
import dev.quiver.tenant.api.AuditLog;
import dev.quiver.tenant.api.MemberView;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.Principal;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The audit log page: the tenant's log newest first, a page at a time, with an "older" link that asks for the
 * entries below the last sequence shown. Needs {@code audit.read} (the API refuses anyone else: the 403 page).
 * Where the caller may list members, {@code user:<id>} is shown with the member's e-mail; the ids of people who
 * are no longer members stay ids, so the page tells no more than the member list does.
 */
@Controller
@RequestMapping("/console/audit")
class AuditPages {

    static final int PAGE = 50;

    private static final Pattern USER = Pattern.compile("user:([0-9a-f-]{36})");

    private final AuditLog audit;
    private final Members members;

    AuditPages(AuditLog audit, Members members) {
        this.audit = audit;
        this.members = members;
    }

    /** One line of the table; {@code at} is ISO-8601 for {@code <time datetime>}, {@code shownAt} for people. */
    record Row(long sequence, String at, String shownAt, String actor, String action, String target) {
    }

    @GetMapping
    String page(ConsoleUser me, @RequestParam(required = false) @Nullable Long before, Model model) {
        Principal principal = TenantPages.inTenant(me);
        // One more than a page tells whether an older page exists without a count query.
        List<AuditEntry> entries = audit.list(principal, before, PAGE + 1);
        Map<String, String> emails = emails(principal);
        List<Row> rows = entries.stream().limit(PAGE)
                .map(entry -> new Row(entry.sequence(), entry.at().toString(), Times.shown(entry.at()),
                        named(entry.actor(), emails), entry.action(), named(entry.target(), emails)))
                .toList();
        model.addAttribute("rows", rows);
        model.addAttribute("before", before);
        model.addAttribute("older", entries.size() > PAGE ? rows.getLast().sequence() : null);
        return "console/audit";
    }

    private Map<String, String> emails(Principal principal) {
        if (!principal.can(Privilege.MEMBERS_MANAGE)) {
            return Map.of();
        }
        return members.list(principal).stream()
                .collect(Collectors.toMap(member -> member.user().id().toString(), AuditPages::email,
                        (first, second) -> first));
    }

    private static String email(MemberView member) {
        return member.user().email();
    }

    private static String named(String text, Map<String, String> emails) {
        Matcher matcher = USER.matcher(text);
        return matcher.replaceAll(match -> Matcher.quoteReplacement(
                emails.getOrDefault(match.group(1), match.group())));
    }
}
