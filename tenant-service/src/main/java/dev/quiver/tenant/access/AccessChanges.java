package dev.quiver.tenant.access;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The signal that keys, members, roles, databases or tenants changed in this process, so caches of who may do what
 * must forget what they hold. Writes of these are rare, so a listener simply clears everything.
 *
 * <p>A change is signalled at once and again when its transaction completes: until the commit, a concurrent lookup
 * still reads the old rows and may cache them after the first signal. Thread-safe.
 */
public final class AccessChanges {

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Runs {@code listener} on every change; it must be cheap and must not throw. */
    public void subscribe(Runnable listener) {
        listeners.add(listener);
    }

    /** Signals a change made by the current transaction, if any. */
    public void changed() {
        notifyListeners();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    notifyListeners();
                }
            });
        }
    }

    private void notifyListeners() {
        for (Runnable listener : listeners) {
            listener.run();
        }
    }
}
