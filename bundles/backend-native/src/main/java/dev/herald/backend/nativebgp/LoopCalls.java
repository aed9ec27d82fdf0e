package dev.herald.backend.nativebgp;

import dev.herald.api.spi.BgpException;
import io.netty.channel.EventLoop;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a server's work on its one event loop and waits for it, so a call has taken effect (or thrown). */
final class LoopCalls {
    private static final long CALL_TIMEOUT_SECONDS = 30;
    private final EventLoop loop;

    LoopCalls(EventLoop loop) {
        this.loop = loop;
    }

    <T> T call(String what, Callable<T> task) {
        try {
            return onLoop(what, task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgpException("interrupted while trying to " + what, e);
        }
    }

    <T> T onLoop(String what, Callable<T> task) throws InterruptedException {
        if (loop.inEventLoop()) {
            try {
                return task.call();
            } catch (BgpException e) {
                throw e;
            } catch (Exception e) {
                throw new BgpException("cannot " + what + ": " + e.getMessage(), e);
            }
        }
        try {
            return loop.submit(task).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof BgpException b) {
                throw b;
            }
            throw new BgpException("cannot " + what + ": " + c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new BgpException("cannot " + what + ": the BGP event loop did not answer within "
                    + CALL_TIMEOUT_SECONDS + " s", e);
        }
    }
}
