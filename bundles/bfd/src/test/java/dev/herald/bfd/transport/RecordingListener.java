package dev.herald.bfd.transport;

import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.session.BfdStateListener;
import dev.herald.bfd.session.StateChange;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records state changes with the time they were reported. */
final class RecordingListener implements BfdStateListener {
    record Event(StateChange change, long nanos, String thread) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void stateChanged(StateChange change) {
        events.add(new Event(change, System.nanoTime(), Thread.currentThread().getName()));
    }

    BfdState last() {
        return events.isEmpty() ? BfdState.DOWN : events.get(events.size() - 1).change().to();
    }

    Event lastEvent() {
        return events.get(events.size() - 1);
    }
}
