package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.WhereDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;

/**
 * Parses Chroma's {@code where} and {@code where_document} filters. Chroma's rules: every filter object has exactly
 * one key; a metadata key maps to a scalar (implicit {@code $eq}) or to an object with exactly one operator; range
 * operators take numbers; {@code $in}/{@code $nin} take a non-empty list of one type. Anything else is 400
 * {@code Invalid where clause} (or {@code Invalid where document clause}). Stateless.
 */
final class FilterParser {

    private static final String INVALID_WHERE = "Invalid where clause";
    private static final String INVALID_WHERE_DOCUMENT = "Invalid where document clause";

    private FilterParser() {
    }

    static Where where(JsonNode node, String field) {
        Map.Entry<String, JsonNode> only = single(node, field, INVALID_WHERE);
        String key = only.getKey();
        JsonNode value = only.getValue();
        String path = field + "." + key;
        if (key.equals("$and") || key.equals("$or")) {
            if (!value.isArray()) {
                throw invalidWhere(path);
            }
            List<Where> clauses = new ArrayList<>(value.size());
            for (int i = 0; i < value.size(); i++) {
                clauses.add(where(value.get(i), path + "[" + i + "]"));
            }
            return key.equals("$and") ? new Where.And(clauses) : new Where.Or(clauses);
        }
        if (key.startsWith("$")) {
            throw invalidWhere(path);
        }
        if (!value.isObject()) {
            return new Where.Compare(key, Where.Operator.EQ, scalar(value, path));
        }
        Map.Entry<String, JsonNode> operation = single(value, path, INVALID_WHERE);
        JsonNode operand = operation.getValue();
        String operandPath = path + "." + operation.getKey();
        return switch (operation.getKey()) {
            case "$eq" -> new Where.Compare(key, Where.Operator.EQ, scalar(operand, operandPath));
            case "$ne" -> new Where.Compare(key, Where.Operator.NE, scalar(operand, operandPath));
            case "$gt" -> new Where.Compare(key, Where.Operator.GT, number(operand, operandPath));
            case "$gte" -> new Where.Compare(key, Where.Operator.GTE, number(operand, operandPath));
            case "$lt" -> new Where.Compare(key, Where.Operator.LT, number(operand, operandPath));
            case "$lte" -> new Where.Compare(key, Where.Operator.LTE, number(operand, operandPath));
            case "$in" -> new Where.In(key, false, list(operand, operandPath));
            case "$nin" -> new Where.In(key, true, list(operand, operandPath));
            case "$contains" -> new Where.Contains(key, false, scalar(operand, operandPath));
            case "$not_contains" -> new Where.Contains(key, true, scalar(operand, operandPath));
            default -> throw invalidWhere(operandPath);
        };
    }

    static WhereDocument whereDocument(JsonNode node, String field) {
        Map.Entry<String, JsonNode> only = single(node, field, INVALID_WHERE_DOCUMENT);
        String key = only.getKey();
        JsonNode value = only.getValue();
        String path = field + "." + key;
        return switch (key) {
            case "$and", "$or" -> {
                if (!value.isArray()) {
                    throw invalidWhereDocument(path);
                }
                List<WhereDocument> clauses = new ArrayList<>(value.size());
                for (int i = 0; i < value.size(); i++) {
                    clauses.add(whereDocument(value.get(i), path + "[" + i + "]"));
                }
                yield key.equals("$and") ? new WhereDocument.And(clauses) : new WhereDocument.Or(clauses);
            }
            case "$contains" -> new WhereDocument.Contains(text(value, path), false);
            case "$not_contains" -> new WhereDocument.Contains(text(value, path), true);
            case "$regex" -> new WhereDocument.Regex(pattern(value, path), false);
            case "$not_regex" -> new WhereDocument.Regex(pattern(value, path), true);
            default -> throw invalidWhereDocument(path);
        };
    }

    private static Map.Entry<String, JsonNode> single(JsonNode node, String field, String message) {
        if (!node.isObject() || node.size() != 1) {
            throw invalidField(ErrorCode.INVALID_WHERE, field, "single-key", message);
        }
        return node.properties().iterator().next();
    }

    private static MetadataValue scalar(JsonNode value, String path) {
        if (value.isString()) {
            return new MetadataValue.StringValue(value.stringValue());
        }
        if (value.isBoolean()) {
            return new MetadataValue.BoolValue(value.booleanValue());
        }
        return number(value, path);
    }

    private static MetadataValue number(JsonNode value, String path) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return new MetadataValue.IntValue(value.longValue());
        }
        if (value.isNumber() && Double.isFinite(value.doubleValue())) {
            return new MetadataValue.FloatValue(value.doubleValue());
        }
        throw invalidWhere(path);
    }

    private static List<MetadataValue> list(JsonNode value, String path) {
        if (!value.isArray() || value.isEmpty()) {
            throw invalidWhere(path);
        }
        List<MetadataValue> values = new ArrayList<>(value.size());
        Class<?> kind = null;
        for (int i = 0; i < value.size(); i++) {
            MetadataValue element = scalar(value.get(i), path + "[" + i + "]");
            // Integers and floats are one kind here, because Chroma compares them by numeric value.
            Class<?> elementKind = element instanceof MetadataValue.FloatValue ? MetadataValue.IntValue.class
                    : element.getClass();
            if (kind != null && kind != elementKind) {
                throw invalidWhere(path);
            }
            kind = elementKind;
            values.add(element);
        }
        return values;
    }

    private static String text(JsonNode value, String path) {
        if (!value.isString()) {
            throw invalidWhereDocument(path);
        }
        return value.stringValue();
    }

    private static Pattern pattern(JsonNode value, String path) {
        String regex = text(value, path);
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw invalidField(ErrorCode.INVALID_WHERE, path, "regex",
                    "Regex syntax errror: regex parse error: " + e.getDescription());
        }
    }

    private static QuiverException invalidWhere(String path) {
        return invalidField(ErrorCode.INVALID_WHERE, path, "where", INVALID_WHERE);
    }

    private static QuiverException invalidWhereDocument(String path) {
        return invalidField(ErrorCode.INVALID_WHERE, path, "where_document", INVALID_WHERE_DOCUMENT);
    }
}
