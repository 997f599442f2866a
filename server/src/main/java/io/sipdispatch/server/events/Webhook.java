package io.sipdispatch.server.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipdispatch.server.config.WebhookSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP receiver of events: a bounded queue and one daemon thread that POSTs each event as JSON, with
 * retries. Offering never blocks, so the event loops never wait for the receiver; a full queue drops the new
 * event and counts it.
 */
final class Webhook implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Webhook.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookSpec spec;
    private final BlockingQueue<StateChange> queue;
    private final HttpClient client;
    private final Thread thread;
    final LongAdder delivered = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder failed = new LongAdder();
    private volatile boolean closed;

    Webhook(WebhookSpec spec) {
        this.spec = spec;
        this.queue = new ArrayBlockingQueue<>(spec.queue());
        this.client = HttpClient.newBuilder().connectTimeout(spec.timeout()).build();
        this.thread = new Thread(this::run, "sipdispatch-webhook");
        thread.setDaemon(true);
        thread.start();
    }

    void offer(StateChange c) {
        if (!queue.offer(c)) {
            dropped.increment();
        }
    }

    private void run() {
        while (!closed) {
            StateChange c;
            try {
                c = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (c != null) {
                deliver(c);
            }
        }
    }

    private void deliver(StateChange c) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(c.fields());
        } catch (Exception e) {
            failed.increment();
            return;
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(spec.url())).timeout(spec.timeout())
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        long backoff = 500;
        for (int attempt = 0; attempt <= spec.retries() && !closed; attempt++) {
            try {
                HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    delivered.increment();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // retried below
            }
            try {
                Thread.sleep(backoff); // this thread only: the receiver is slow or down
            } catch (InterruptedException e) {
                return;
            }
            backoff *= 2;
        }
        failed.increment();
        log.warn("webhook {}: event not delivered after {} attempts: {}", spec.url(), spec.retries() + 1, c);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
