package io.vltava.cli.client;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import java.time.Duration;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Turns what a Kafka client threw into one line a user can act on, with the matching exit code.
 *
 * <p>Threading: stateless.
 */
final class ClientErrors {

    private ClientErrors() {
    }

    static CommandFailure describe(Throwable error, String subject, String bootstrapServer, Duration timeout) {
        if (error instanceof CommandFailure failure) {
            return failure;
        }
        if (!(error instanceof ApiException) && error.getCause() instanceof TimeoutException cause) {
            // The admin client wraps a timeout of its broker lookup (listGroups asks every broker) in a plain KafkaException.
            return describe(cause, subject, bootstrapServer, timeout);
        }
        return switch (error) {
            case UnknownTopicOrPartitionException e -> notFound(subject, e);
            case UnknownTopicIdException e -> notFound(subject, e);
            case GroupIdNotFoundException e -> notFound(subject, e);
            case TimeoutException e when e.getCause() instanceof UnknownTopicOrPartitionException cause -> notFound(subject, cause);
            case TimeoutException e -> new CommandFailure(ExitCodes.UNAVAILABLE, "no answer from a broker at " + bootstrapServer + " within "
                    + seconds(timeout) + " (is one running there? see --bootstrap-server)", error);
            case TopicExistsException e -> new CommandFailure(ExitCodes.FAILURE, subject + " already exists", error);
            case GroupNotEmptyException e -> new CommandFailure(ExitCodes.FAILURE, subject + " still has active members; stop them first", error);
            case AuthenticationException e -> new CommandFailure(ExitCodes.FAILURE, "authentication failed: " + e.getMessage(), error);
            case AuthorizationException e -> new CommandFailure(ExitCodes.FAILURE, "not authorized: " + e.getMessage(), error);
            case InvalidConfigurationException e -> usage(subject, e);
            case InvalidPartitionsException e -> usage(subject, e);
            case ApiException e -> new CommandFailure(ExitCodes.FAILURE, subject + ": " + e.getMessage(), error);
            default -> new CommandFailure(ExitCodes.FAILURE, subject + ": " + error, error);
        };
    }

    private static CommandFailure notFound(String subject, ApiException error) {
        return new CommandFailure(ExitCodes.NOT_FOUND, subject + " does not exist", error);
    }

    private static CommandFailure usage(String subject, ApiException error) {
        return new CommandFailure(ExitCodes.USAGE, subject + ": " + error.getMessage(), error);
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
