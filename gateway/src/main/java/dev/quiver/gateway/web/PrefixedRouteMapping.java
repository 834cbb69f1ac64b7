package dev.quiver.gateway.web;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Spring MVC's request mapping, with a shorter search for paths under one prefix (the Chroma API's
 * {@code /api/v2/}). Spring tries every pattern mapping of the application in turn for a path that is not a literal
 * route, checking each one's method through the security chain's request wrappers: with the control plane, the
 * console and the Chroma API that is over a hundred mappings per data-plane request, measured as about 5 % of the
 * server's CPU per query. Under the prefix only the mappings whose patterns can match a path there are tried
 * (the Chroma routes), and the best of them is chosen exactly as Spring chooses it, by the same comparator.
 *
 * <p>Everything else is left to Spring: literal routes, CORS pre-flight requests, a path no candidate matches
 * (Spring's 404, 405 and 415 answers) and equally good matches (Spring's ambiguity error), so the answer to every
 * request is the one Spring would give. The candidates are recomputed whenever a mapping is registered or removed.
 * Thread-safe.
 */
public final class PrefixedRouteMapping extends RequestMappingHandlerMapping {

    private final String prefix;
    private volatile @Nullable Candidates candidates;

    /** @param prefix a path prefix that starts and ends with {@code /}, such as {@code /api/v2/} */
    public PrefixedRouteMapping(String prefix) {
        this.prefix = requireNonNull(prefix, "prefix is null");
        if (!prefix.startsWith("/") || !prefix.endsWith("/") || prefix.indexOf('{') >= 0 || prefix.indexOf('*') >= 0
                || prefix.indexOf('?') >= 0) {
            throw new IllegalArgumentException("prefix must be a literal path starting and ending with /: " + prefix);
        }
    }

    /** The mappings that may match a path under the prefix, and the literal routes Spring looks up directly. */
    private record Candidates(List<RequestMappingInfo> mappings, List<HandlerMethod> handlers,
            Set<String> directPaths) {
    }

    @Override
    protected @Nullable HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request)
            throws Exception {
        if (!lookupPath.startsWith(prefix) || CorsUtils.isPreFlightRequest(request)) {
            return super.lookupHandlerMethod(lookupPath, request);
        }
        Candidates known = candidates();
        if (known.directPaths().contains(lookupPath)) {
            return super.lookupHandlerMethod(lookupPath, request);
        }
        RequestMappingInfo best = null;
        HandlerMethod bestHandler = null;
        List<RequestMappingInfo> others = null;
        for (int i = 0; i < known.mappings().size(); i++) {
            RequestMappingInfo match = getMatchingMapping(known.mappings().get(i), request);
            if (match == null) {
                continue;
            }
            if (best == null) {
                best = match;
                bestHandler = known.handlers().get(i);
                continue;
            }
            Comparator<RequestMappingInfo> comparator = getMappingComparator(request);
            int order = comparator.compare(match, best);
            if (order == 0) {
                // Equally good matches: Spring's own lookup reports the ambiguity.
                return super.lookupHandlerMethod(lookupPath, request);
            }
            if (order < 0) {
                if (others == null) {
                    others = new ArrayList<>();
                }
                others.add(best);
                best = match;
                bestHandler = known.handlers().get(i);
            } else {
                if (others == null) {
                    others = new ArrayList<>();
                }
                others.add(match);
            }
        }
        if (best == null) {
            // No route: Spring decides between 404, 405 and 415 from all mappings.
            return super.lookupHandlerMethod(lookupPath, request);
        }
        if (others != null) {
            // A tie between the best and a match seen before it was chosen: as above, Spring reports it.
            Comparator<RequestMappingInfo> comparator = getMappingComparator(request);
            for (RequestMappingInfo other : others) {
                if (comparator.compare(other, best) == 0) {
                    return super.lookupHandlerMethod(lookupPath, request);
                }
            }
        }
        request.setAttribute(BEST_MATCHING_HANDLER_ATTRIBUTE, bestHandler);
        handleMatch(best, lookupPath, request);
        return bestHandler;
    }

    @Override
    public void registerMapping(RequestMappingInfo mapping, Object handler, Method method) {
        super.registerMapping(mapping, handler, method);
        candidates = null;
    }

    @Override
    public void unregisterMapping(RequestMappingInfo mapping) {
        super.unregisterMapping(mapping);
        candidates = null;
    }

    private Candidates candidates() {
        Candidates known = candidates;
        if (known == null) {
            var mappings = new ArrayList<RequestMappingInfo>();
            var handlers = new ArrayList<HandlerMethod>();
            var directPaths = new HashSet<String>();
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : getHandlerMethods().entrySet()) {
                directPaths.addAll(entry.getKey().getDirectPaths());
                if (mayMatchUnderPrefix(entry.getKey())) {
                    mappings.add(entry.getKey());
                    handlers.add(entry.getValue());
                }
            }
            known = new Candidates(List.copyOf(mappings), List.copyOf(handlers), Set.copyOf(directPaths));
            candidates = known;
        }
        return known;
    }

    /**
     * Whether some path under the prefix could match one of the mapping's patterns: when the pattern's literal
     * start (up to its first variable or wildcard) and the prefix agree as far as the shorter goes, compared
     * without case in case a pattern ignores it. A mapping without path patterns of this kind is kept, to be safe.
     */
    private boolean mayMatchUnderPrefix(RequestMappingInfo mapping) {
        PathPatternsRequestCondition condition = mapping.getPathPatternsCondition();
        if (condition == null || condition.getPatterns().isEmpty()) {
            return true;
        }
        for (PathPattern pattern : condition.getPatterns()) {
            String text = pattern.getPatternString();
            int literal = text.length();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '{' || c == '*' || c == '?') {
                    literal = i;
                    break;
                }
            }
            int common = Math.min(literal, prefix.length());
            if (text.isEmpty() || text.regionMatches(true, 0, prefix, 0, common)) {
                return true;
            }
        }
        return false;
    }
}
