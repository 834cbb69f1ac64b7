package dev.quiver.ui.web;

import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.ui.Model;

/**
 * Turns a refusal from the APIs into what a form shows: {@code fieldErrors} maps each named field (the API's JSON
 * name, for example {@code email} or {@code where}) to its message, shown beside that field; {@code formError} is
 * the message for the whole form when no field is named.
 */
final class Forms {

    private Forms() {
    }

    static void refusal(Model model, QuiverException refused) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (FieldError error : refused.errors()) {
            fields.putIfAbsent(error.field(), error.message());
        }
        model.addAttribute("fieldErrors", fields);
        if (fields.isEmpty()) {
            model.addAttribute("formError", refused.getMessage());
        }
    }
}
