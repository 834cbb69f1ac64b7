package dev.quiver.search.ownership;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How this process takes part in the cluster of search nodes.
 *
 * @param enabled           whether this process registers as a search node and owns shards through leases (off
 *                          until the search role wires the shards to it)
 * @param nodeId            this node's id, unique among the nodes; unset means a UUID kept in the file
 *                          {@code node-id} of the data directory, so a restarted node keeps its id
 * @param advertiseUrl      where other processes reach this node; unset means {@code http://127.0.0.1:<server.port>}
 * @param heartbeatInterval how often the node proves it is alive, renews its leases and rebalances shards
 * @param leaseDuration     how long a lease lasts unless renewed, and how long a silent node counts as live; more
 *                          than twice the heartbeat interval, so one late heartbeat loses nothing
 * @param secret            the shared secret gateways and search nodes prove to each other on {@code /internal};
 *                          required in distributed mode ({@code quiver.roles} not both), unused standalone
 */
@Validated
@ConfigurationProperties("quiver.cluster")
public record ClusterProperties(
        @DefaultValue("false") boolean enabled,
        @Nullable @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}") String nodeId,
        @Nullable URI advertiseUrl,
        @NotNull @DefaultValue("2s") Duration heartbeatInterval,
        @NotNull @DefaultValue("10s") Duration leaseDuration,
        @Nullable String secret) {

    @Override
    public String toString() {
        // Never the secret: properties records end up in logs and failure analyses.
        return "ClusterProperties[enabled=" + enabled + ", nodeId=" + nodeId + ", advertiseUrl=" + advertiseUrl
                + ", heartbeatInterval=" + heartbeatInterval + ", leaseDuration=" + leaseDuration + ", secret="
                + (secret == null ? "unset" : "set") + "]";
    }

    public ClusterProperties {
        // Checked here rather than by an annotation: the rule ties two keys, and the message must name both.
        if (heartbeatInterval != null && (heartbeatInterval.isNegative() || heartbeatInterval.isZero())) {
            throw new IllegalArgumentException("quiver.cluster.heartbeat-interval must be positive: "
                    + heartbeatInterval);
        }
        if (heartbeatInterval != null && leaseDuration != null
                && leaseDuration.compareTo(heartbeatInterval.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("quiver.cluster.lease-duration (" + leaseDuration
                    + ") must be more than twice quiver.cluster.heartbeat-interval (" + heartbeatInterval + ")");
        }
    }
}
