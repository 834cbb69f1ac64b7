package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command lines of the benchmark's programs: {@code --name value} or {@code --name=value} flags, and for the
 * plain programs beside {@code bench/run.sh} their defaults, so each states its flags once.
 *
 * @param positional the arguments that are not flags, in order
 * @param flags the flags given, by name without the dashes, in order
 */
record Flags(List<String> positional, Map<String, String> flags) {

    Flags {
        positional = List.copyOf(positional);
        flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
    }

    /**
     * Splits a command line. A flag whose name is in {@code switches} takes no value and stands for {@code true}.
     *
     * @throws IllegalArgumentException when a flag that takes a value is the last argument
     */
    static Flags parse(String[] args, Set<String> switches) {
        var positional = new ArrayList<String>();
        var flags = new LinkedHashMap<String, String>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            int equals = arg.indexOf('=');
            if (equals > 0) {
                flags.put(arg.substring(2, equals), arg.substring(equals + 1));
            } else if (switches.contains(arg.substring(2))) {
                flags.put(arg.substring(2), "true");
            } else if (i + 1 < args.length) {
                flags.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("flag " + arg + " needs a value");
            }
        }
        return new Flags(positional, flags);
    }

    /** A program's flags and their defaults, from name-value pairs, in the order its usage lists them. */
    static Map<String, String> defaults(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        var defaults = new LinkedHashMap<String, String>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            defaults.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return defaults;
    }

    /**
     * The values of a program's flags: each default, replaced where the command line gives the flag. A name whose
     * default is {@code false} is a switch.
     *
     * @throws IllegalArgumentException on an unknown flag, a flag without its value, or an argument not a flag
     */
    static Map<String, String> values(Map<String, String> defaults, String[] args) {
        requireNonNull(defaults, "defaults is null");
        var switches = new HashSet<String>();
        defaults.forEach((name, value) -> {
            if (value.equals("false")) {
                switches.add(name);
            }
        });
        Flags parsed = parse(args, switches);
        if (!parsed.positional().isEmpty()) {
            throw new IllegalArgumentException("unexpected arguments " + parsed.positional());
        }
        var values = new LinkedHashMap<>(defaults);
        parsed.flags().forEach((name, value) -> {
            if (!defaults.containsKey(name)) {
                throw new IllegalArgumentException("unknown flag --" + name);
            }
            values.put(name, value);
        });
        return values;
    }

    /** {@link #values}, or the reason and the usage on standard error and exit status 2, for a program's main. */
    static Map<String, String> withDefaults(String program, Map<String, String> defaults, String[] args) {
        try {
            return values(defaults, args);
        } catch (IllegalArgumentException e) {
            System.err.println(program + ": " + e.getMessage());
            System.err.println("usage: " + program + " " + String.join(" ", defaults.entrySet().stream()
                    .map(flag -> flag.getValue().equals("false") ? "[--" + flag.getKey() + "]"
                            : "[--" + flag.getKey() + " " + flag.getValue() + "]").toList()));
            System.exit(2);
            throw e;
        }
    }
}
