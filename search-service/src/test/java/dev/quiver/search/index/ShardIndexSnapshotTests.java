package dev.quiver.search.index;

import static dev.quiver.search.index.Records.add;
import static dev.quiver.search.index.Records.record;
import static dev.quiver.search.index.Records.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.search.api.Metric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a checkpoint takes from a shard index: a snapshot of its last commit, described and held until released. */
class ShardIndexSnapshotTests {

    @TempDir
    Path directory;

    @Test
    void anIndexNeverCommittedHasNoSnapshot() {
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            assertThat(shard.snapshot()).isEmpty();
        }
    }

    @Test
    void snapshotKeepsTheCommitsFilesUntilClosedWhileLaterCommitsReplaceIt() {
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            shard.apply(1, add(record("a", vector(1f, 0f))));
            shard.commit();
            shard.apply(2, add(record("b", vector(0f, 1f))));
            shard.commit();

            CommitSnapshot snapshot = shard.snapshot().orElseThrow();
            List<Path> files = snapshot.files().stream().map(snapshot::path).toList();
            assertThat(snapshot.sequence()).isEqualTo(2);
            assertThat(snapshot.files()).extracting(CommitFile::name).anyMatch(name -> name.startsWith("segments_"));
            assertThat(snapshot.files()).allSatisfy(file -> assertThat(file.length()).isPositive());

            shard.apply(3, add(record("c", vector(1f, 1f))));
            shard.compactInBackground(1);
            shard.refresh();
            shard.commit();
            assertThat(files).as("held by the snapshot").allSatisfy(file -> assertThat(file).exists());

            snapshot.close();
            shard.apply(4, add(record("d", vector(2f, 1f))));
            shard.commit();
            assertThat(files).as("released: what no later commit needs goes")
                    .anyMatch(file -> !Files.exists(file));
        }
    }

    @Test
    void committedSequenceIsReadFromTheDirectoryWithoutOpeningIt() {
        assertThat(ShardIndex.committedSequenceAt(directory.resolve("missing"))).isEqualTo(-1);
        assertThat(ShardIndex.committedSequenceAt(directory)).as("empty directory").isEqualTo(-1);
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            shard.apply(1, add(record("a", vector(1f, 0f))));
            shard.apply(2, add(record("b", vector(0f, 1f))));
            shard.commit();
        }

        assertThat(ShardIndex.committedSequenceAt(directory)).isEqualTo(2);
    }

    @Test
    void aCopyIsVerifiedAgainstTheChecksumOfItsFooter() throws IOException {
        Path copy = Files.createDirectories(directory.resolve("copy"));
        CommitFile segment;
        try (ShardIndex shard = Records.open(directory.resolve("shard"), Metric.L2)) {
            shard.apply(1, add(record("a", vector(1f, 0f))));
            shard.commit();
            try (CommitSnapshot snapshot = shard.snapshot().orElseThrow()) {
                segment = snapshot.files().stream().filter(file -> file.name().startsWith("segments_"))
                        .findFirst().orElseThrow();
                Files.copy(snapshot.path(segment), copy.resolve(segment.name()));
            }
        }
        ShardIndex.verifyChecksum(copy.resolve(segment.name()), segment.checksum());

        byte[] bytes = Files.readAllBytes(copy.resolve(segment.name()));
        bytes[bytes.length / 2] ^= 1;
        Files.write(copy.resolve(segment.name()), bytes);

        assertThatThrownBy(() -> ShardIndex.verifyChecksum(copy.resolve(segment.name()), segment.checksum()))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("is not intact");
    }
}
