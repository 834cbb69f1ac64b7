package dev.quiver.compat;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The small corpus both client tests store: short texts on three topics, with a string and an
 * integer metadata field. Two texts share the word "apple" but not the topic, so a topic filter
 * visibly changes which one comes first.
 */
final class SampleDocuments {

    /** One document: its id, its text and its metadata ({@code topic}, {@code year}). */
    record SampleDocument(String id, String text, String topic, int year) {

        SampleDocument {
            requireNonNull(id, "id is null");
            requireNonNull(text, "text is null");
            requireNonNull(topic, "topic is null");
        }
    }

    static final List<SampleDocument> ALL = List.of(
            new SampleDocument("mercury", "Mercury is the smallest planet and the one closest to the Sun.",
                    "astronomy", 2019),
            new SampleDocument("jupiter", "Jupiter is a gas giant, the largest planet of the solar system.",
                    "astronomy", 2021),
            new SampleDocument("banana", "Bananas are long yellow tropical fruit, rich in potassium.", "fruit",
                    2020),
            new SampleDocument("apple-fruit", "Apples are crunchy sweet fruit that grow on trees in orchards.",
                    "fruit", 2022),
            new SampleDocument("apple-phone",
                    "Apple unveiled a new iPhone with a faster processor and a better camera.", "technology",
                    2023),
            new SampleDocument("java", "Java is a programming language that runs on the Java virtual machine.",
                    "technology", 2018));

    static List<String> idsWithTopic(String topic) {
        return ALL.stream().filter(document -> document.topic().equals(topic)).map(SampleDocument::id).toList();
    }

    private SampleDocuments() {
    }

}
