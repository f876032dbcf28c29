package dev.tenantflags.servlet.relay;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/*
 * Design note
 *
 * One client's Server-Sent Events response, written with servlet non-blocking I/O so that no thread
 * waits on a slow client. Events are queued per client (bounded in count and bytes) and drained
 * whenever the container says the socket can take more (isReady / onWritePossible). A client whose
 * queue overflows, or whose queue made no progress for the idle timeout, is a slow consumer: it is
 * ended (its queue dropped), counted, and reconnects with Last-Event-ID, so it loses nothing.
 *
 * Concurrency: every method that touches the output stream or the queue holds this object's
 * monitor; the publisher thread (offer), the heartbeat thread and the container's callbacks
 * (onWritePossible, onComplete, onError) are serialised by it. Writes never block (non-blocking
 * mode), so holding the monitor while writing is cheap.
 */
final class SseStream implements WriteListener, AsyncListener {

  /** Why a stream ended; reported once to {@link #onClosed}. */
  enum End {
    CLIENT_GONE,
    SLOW_CONSUMER,
    SHUTDOWN
  }

  private final AsyncContext async;
  private final int maxEvents;
  private final long maxBytes;
  private final Consumer<End> onClosed;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private ServletOutputStream out;
  private long queuedBytes;
  private boolean flushNeeded;
  private boolean closing;
  private boolean closed;
  private End end = End.CLIENT_GONE;
  private long lastProgressNanos = System.nanoTime();

  SseStream(AsyncContext async, int maxEvents, long maxBytes, Consumer<End> onClosed) {
    this.async = async;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.onClosed = onClosed;
  }

  /** Switches the response to non-blocking writes; call before the first {@link #offer}. */
  synchronized void start() throws IOException {
    async.addListener(this);
    out = async.getResponse().getOutputStream();
    out.setWriteListener(this);
  }

  /**
   * Queues an event and writes what the socket takes now.
   *
   * @return false when the stream is (now) closed: ended before, or dropped as a slow consumer
   */
  synchronized boolean offer(byte[] event) {
    if (closed || closing) {
      return false;
    }
    if (!queue.isEmpty() && (queue.size() >= maxEvents || queuedBytes + event.length > maxBytes)) {
      end(End.SLOW_CONSUMER);
      return false;
    }
    queue.add(event);
    queuedBytes += event.length;
    drain();
    return !closed;
  }

  /** Ends the stream after writing {@code last} (a retry hint); used at shutdown. */
  synchronized void shutdown(byte[] last) {
    if (closed || closing) {
      return;
    }
    queue.add(last);
    queuedBytes += last.length;
    closing = true;
    end = End.SHUTDOWN;
    drain();
  }

  /** Whether queued data has waited longer than {@code idleNanos} for the client to take it. */
  synchronized boolean stalled(long now, long idleNanos) {
    return !closed && (!queue.isEmpty() || flushNeeded) && now - lastProgressNanos > idleNanos;
  }

  /** Ends the stream at once as a slow consumer (its queue is dropped). */
  synchronized void dropSlow() {
    end(End.SLOW_CONSUMER);
  }

  /** Ends the stream at once without further writes. */
  synchronized void abort() {
    end(end == End.CLIENT_GONE ? End.SHUTDOWN : end);
  }

  synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void onWritePossible() {
    drain();
  }

  @Override
  public synchronized void onError(Throwable t) {
    end(End.CLIENT_GONE);
  }

  private void drain() {
    if (closed || out == null) {
      return;
    }
    try {
      while (out.isReady()) {
        byte[] next = queue.poll();
        if (next != null) {
          queuedBytes -= next.length;
          out.write(next);
          flushNeeded = true;
        } else if (flushNeeded) {
          flushNeeded = false;
          out.flush();
        } else {
          lastProgressNanos = System.nanoTime();
          if (closing) {
            end(end);
          }
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      end(End.CLIENT_GONE);
    }
  }

  private void end(End why) {
    if (closed) {
      return;
    }
    closed = true;
    end = why;
    queue.clear();
    queuedBytes = 0;
    try {
      async.complete();
    } catch (RuntimeException e) {
      // Already completed by the container (client gone); nothing left to end.
    }
    onClosed.accept(why);
  }

  // ---- AsyncListener: the container ends the request (client gone, error, shutdown) ----------

  @Override
  public void onComplete(AsyncEvent event) {
    synchronized (this) {
      end(end);
    }
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    synchronized (this) {
      end(End.CLIENT_GONE);
    }
  }

  @Override
  public void onError(AsyncEvent event) {
    synchronized (this) {
      end(End.CLIENT_GONE);
    }
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // Not re-dispatched.
  }
}
