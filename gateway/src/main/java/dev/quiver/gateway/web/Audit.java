package dev.quiver.gateway.web;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.AuditEvent;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records the data-plane changes the audit log lists (databases and collections created, restored or deleted); the
 * tenant module audits only its own changes. The change was committed by the tenant or search module, which own those
 * transactions; the event is published in a transaction of its own, as the house style asks of events, so that a
 * transactional listener would see it too. A crash between the two loses the entry, never the change. Thread-safe.
 */
@Component
class Audit {

    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;

    Audit(ApplicationEventPublisher events, PlatformTransactionManager transactionManager) {
        this.events = requireNonNull(events, "events is null");
        this.transactions = new TransactionTemplate(transactionManager);
    }

    void databaseCreated(Principal caller, DatabaseView database) {
        publish(caller, database, "database.created", "database:" + database.name());
    }

    void databaseDeleted(Principal caller, DatabaseView database) {
        publish(caller, database, "database.deleted", "database:" + database.name());
    }

    void collectionCreated(Principal caller, DatabaseView database, String collection) {
        publish(caller, database, "collection.created", "collection:" + database.name() + "/" + collection);
    }

    void collectionDeleted(Principal caller, DatabaseView database, String collection) {
        publish(caller, database, "collection.deleted", "collection:" + database.name() + "/" + collection);
    }

    void collectionRestored(Principal caller, DatabaseView database, String collection) {
        publish(caller, database, "collection.restored", "collection:" + database.name() + "/" + collection);
    }

    private void publish(Principal caller, DatabaseView database, String action, String target) {
        AuditEvent event = new AuditEvent(database.tenant().id(), caller.actor(), action, target);
        transactions.executeWithoutResult(status -> events.publishEvent(event));
    }
}
