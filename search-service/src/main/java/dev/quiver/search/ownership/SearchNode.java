package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Instant;

/**
 * A registered search node.
 *
 * @param id           the node's id
 * @param advertiseUrl where other processes reach it
 * @param startedAt    when it registered, by the database's clock
 * @param heartbeatAt  its last heartbeat, by the database's clock
 */
public record SearchNode(NodeId id, URI advertiseUrl, Instant startedAt, Instant heartbeatAt) {

    public SearchNode {
        requireNonNull(id, "id is null");
        requireNonNull(advertiseUrl, "advertiseUrl is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(heartbeatAt, "heartbeatAt is null");
    }
}
