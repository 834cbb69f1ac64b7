package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;
import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.common.ErrorCode;
import dev.quiver.tenant.api.AuditLog;
import dev.quiver.tenant.api.Principal;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tenant's audit log, newest first, paged by sequence: the next page is {@code before=<last sequence>}. Needs
 * {@code audit.read}.
 */
@RestController
@RequestMapping("/api/control/v1/audit")
class ControlAuditController {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final AuditLog audit;

    ControlAuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping
    List<Map<String, @Nullable Object>> list(Principal caller, @RequestParam(required = false) @Nullable String before,
            @RequestParam(required = false) @Nullable String limit) {
        Long beforeSequence = before == null ? null : number(before, "before", 1, Long.MAX_VALUE);
        int pageLimit = limit == null ? DEFAULT_LIMIT : (int) number(limit, "limit", 1, MAX_LIMIT);
        return audit.list(caller, beforeSequence, pageLimit).stream()
                .map(entry -> object("sequence", entry.sequence(), "at", ControlJson.instant(entry.at()),
                        "actor", entry.actor(), "action", entry.action(), "target", entry.target()))
                .toList();
    }

    private static long number(String value, String field, long min, long max) {
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "range",
                field + " must be an integer from " + min + " to " + max + ": " + value);
    }
}
