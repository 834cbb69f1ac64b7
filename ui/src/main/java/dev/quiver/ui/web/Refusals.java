package dev.quiver.ui.web;

import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.ui.Model;

/**
 * Refusals shown beside the form that caused them, on pages with several forms. Unlike {@link Forms}, each form's
 * messages go under its own model attributes ({@code <form>Errors}, {@code <form>Error}), and a field is shown by
 * its root name: the API names {@code databases[2]} or {@code where.$and[0]}, the form has one input for each.
 */
final class Refusals {

    private Refusals() {
    }

    /**
     * Whether a refusal is about the form's input and belongs beside it: bad input (400), a conflict (409), or
     * any refusal that names a field. Everything else (a hidden object's 404, a missing privilege's 403) is the
     * error page.
     */
    static boolean belongsToForm(QuiverException refused) {
        int status = refused.code().status();
        return status == 400 || status == 409 || status == 422
                || (!refused.errors().isEmpty() && status != 404);
    }

    static void show(Model model, String form, QuiverException refused) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (FieldError error : refused.errors()) {
            fields.putIfAbsent(root(error.field()), error.message());
        }
        model.addAttribute(form + "Errors", fields);
        if (fields.isEmpty()) {
            model.addAttribute(form + "Error", refused.getMessage());
        }
    }

    /** {@code databases[2]} → {@code databases}, {@code where.$and[0]} → {@code where}. */
    static String root(String field) {
        int end = field.length();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '[' || c == '.') {
                end = i;
                break;
            }
        }
        return end == 0 ? field : field.substring(0, end);
    }
}
