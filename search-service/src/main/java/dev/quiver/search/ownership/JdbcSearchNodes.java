package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Search nodes in the control-plane schema. Every time is the database's clock, so nodes whose clocks disagree
 * still agree on who is live. Thread-safe; each method is one statement, in the caller's transaction if any.
 */
public final class JdbcSearchNodes {

    private static final String REGISTER = """
            insert into quiver.search_nodes (id, advertise_url, started_at, heartbeat_at)
            values (:id, :advertiseUrl, clock_timestamp(), clock_timestamp())
            on conflict (id) do update
                set advertise_url = excluded.advertise_url, started_at = excluded.started_at,
                    heartbeat_at = excluded.heartbeat_at
            """;
    private static final String HEARTBEAT = """
            update quiver.search_nodes set heartbeat_at = clock_timestamp() where id = :id
            """;
    private static final String DEREGISTER = """
            delete from quiver.search_nodes where id = :id
            """;
    private static final String LIVE = """
            select id, advertise_url, started_at, heartbeat_at from quiver.search_nodes
            where heartbeat_at > clock_timestamp() - :leaseMillis * interval '1 millisecond'
            order by id
            """;

    private final JdbcClient jdbc;

    public JdbcSearchNodes(JdbcClient jdbc) {
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
    }

    /** Registers the node, or restarts the registration of a node that had this id before. */
    public void register(NodeId node, URI advertiseUrl) {
        jdbc.sql(REGISTER)
                .param("id", node.value())
                .param("advertiseUrl", advertiseUrl.toString())
                .update();
    }

    /** Records that the node is alive; false when it is not registered (deregistered or never registered). */
    public boolean tryHeartbeat(NodeId node) {
        return jdbc.sql(HEARTBEAT).param("id", node.value()).update() == 1;
    }

    /** Removes the node; leases it still holds lose their owner and are free at once. */
    public void deregister(NodeId node) {
        jdbc.sql(DEREGISTER).param("id", node.value()).update();
    }

    /** The nodes whose last heartbeat is younger than {@code leaseDuration}, in id order. */
    public List<SearchNode> live(Duration leaseDuration) {
        return jdbc.sql(LIVE)
                .param("leaseMillis", leaseDuration.toMillis())
                .query(JdbcSearchNodes::node)
                .list();
    }

    private static SearchNode node(ResultSet row, int number) throws SQLException {
        return new SearchNode(new NodeId(row.getString("id")), URI.create(row.getString("advertise_url")),
                row.getObject("started_at", OffsetDateTime.class).toInstant(),
                row.getObject("heartbeat_at", OffsetDateTime.class).toInstant());
    }
}
