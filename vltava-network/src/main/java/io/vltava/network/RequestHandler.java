package io.vltava.network;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Serves decoded requests; the broker implements it.
 *
 * <p>Contract, which the connection relies on to keep a connection's requests in order:
 * <ul>
 *   <li>{@link #handle} is called on the connection's event loop, in the order requests arrived,
 *       and must not block.</li>
 *   <li>For a {@linkplain #isPipelined pipelined} API the connection goes on handling later requests
 *       while the future is pending (waiting for data, a flush or replication). So every effect a later
 *       request may depend on has happened by the time {@code handle} returns; an effect may wait for
 *       the future only if the client can learn of it from this request's response alone (as the id of
 *       a fetch session created when a waiting fetch answers). For every other API the connection
 *       handles no later request until the future has completed.</li>
 *   <li>The future completes with the response body, with {@code null} when nothing is to be sent,
 *       or exceptionally: with {@link CloseConnectionException} to drop the connection, or with any
 *       other exception to answer with the error kafka-clients derives from it.</li>
 * </ul>
 *
 * <p>Threading: called from many event loops at once.
 */
public interface RequestHandler {

    /** The APIs this handler serves; a request for any other API closes its connection. */
    Set<ApiKeys> servedApis();

    /** Whether requests of {@code api} may be followed by later requests before they complete. */
    boolean isPipelined(ApiKeys api);

    /** Handles one request; see the interface contract. */
    CompletableFuture<? extends ApiMessage> handle(RequestContext context, AbstractRequest request);
}
