package io.vltava.broker.api;

import io.vltava.common.topic.TopicNames;
import io.vltava.metadata.controller.QuorumController;
import io.vltava.metadata.image.BrokerRegistration;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.PartitionRegistration;
import io.vltava.metadata.image.TopicImage;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;

/**
 * Metadata: brokers (their endpoints on the listener the request came in on), the cluster id, the
 * controller, and topics with their partitions, leaders, epochs, replicas and ISRs.
 *
 * <p>A missing topic is created when the client allows it and {@code auto.create.topics.enable} is
 * on; the response waits for the creation to commit and then describes the new topic, so clients need
 * no second round trip. Kafka's internal topics are never created this way.
 *
 * <p>Threading: stateless apart from its collaborators; safe from any event loop.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {

    /** Every topic operation allowed, as reported when no authorizer is configured. */
    static final int ALL_TOPIC_OPERATIONS = 3576;
    /** Every cluster operation allowed, as reported when no authorizer is configured. */
    static final int ALL_CLUSTER_OPERATIONS = 8096;

    private final int nodeId;
    private final String clusterId;
    private final Supplier<MetadataImage> image;
    private final QuorumController controller;
    private final boolean autoCreateTopics;

    public MetadataHandler(int nodeId, String clusterId, Supplier<MetadataImage> image, QuorumController controller, boolean autoCreateTopics) {
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.image = image;
        this.controller = controller;
        this.autoCreateTopics = autoCreateTopics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, MetadataRequest request) {
        MetadataRequestData data = request.data();
        short version = request.version();
        MetadataImage current = image.get();
        boolean allTopics = data.topics() == null || (version == 0 && data.topics().isEmpty());
        if (allTopics) {
            return CompletableFuture.completedFuture(response(context, data, current, allTopicNames(current)));
        }
        boolean byId = false;
        for (MetadataRequestTopic topic : data.topics()) {
            boolean hasId = topic.topicId() != null && !Uuid.ZERO_UUID.equals(topic.topicId());
            if ((version == 10 || version == 11) && (topic.name() == null || hasId)) {
                throw new InvalidRequestException("Metadata v" + version + " cannot look topics up by id");
            }
            byId |= hasId;
        }
        if (byId) {
            List<Uuid> ids = new ArrayList<>();
            for (MetadataRequestTopic topic : data.topics()) {
                ids.add(topic.topicId());
            }
            return CompletableFuture.completedFuture(responseById(context, data, current, ids));
        }
        Set<String> names = new LinkedHashSet<>();
        for (MetadataRequestTopic topic : data.topics()) {
            names.add(topic.name());
        }
        List<String> toCreate = new ArrayList<>();
        if (autoCreateTopics && data.allowAutoTopicCreation()) {
            for (String name : names) {
                if (name != null && current.topics().get(name) == null && TopicNames.isValid(name) && !TopicNames.isInternal(name)) {
                    toCreate.add(name);
                }
            }
        }
        if (toCreate.isEmpty()) {
            return CompletableFuture.completedFuture(response(context, data, current, names));
        }
        CreateTopicsRequestData create = new CreateTopicsRequestData();
        for (String name : toCreate) {
            create.topics().add(new CreatableTopic().setName(name).setNumPartitions(-1).setReplicationFactor((short) -1));
        }
        return controller.createTopics(create).thenApply(created -> response(context, data, image.get(), names));
    }

    private MetadataResponseData response(RequestContext context, MetadataRequestData data, MetadataImage current, Set<String> names) {
        MetadataResponseData response = base(context, data, current);
        for (String name : names) {
            TopicImage topic = name == null ? null : current.topics().get(name);
            response.topics().add(topic == null ? missing(name, data) : describe(context, data, current, topic));
        }
        return response;
    }

    private MetadataResponseData responseById(RequestContext context, MetadataRequestData data, MetadataImage current, List<Uuid> ids) {
        MetadataResponseData response = base(context, data, current);
        for (Uuid id : ids) {
            UUID topicId = TopicIds.fromKafka(id);
            TopicImage topic = topicId == null ? null : current.topics().get(topicId);
            if (topic == null) {
                response.topics().add(new MetadataResponseTopic().setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setName(null).setTopicId(id)
                        .setIsInternal(false));
            } else {
                response.topics().add(describe(context, data, current, topic));
            }
        }
        return response;
    }

    private MetadataResponseData base(RequestContext context, MetadataRequestData data, MetadataImage current) {
        MetadataResponseData response = new MetadataResponseData().setClusterId(clusterId).setControllerId(nodeId);
        if (data.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(ALL_CLUSTER_OPERATIONS);
        }
        for (BrokerRegistration broker : current.brokers().values()) {
            broker.endpoint(context.listenerName()).ifPresent(endpoint -> response.brokers().add(new MetadataResponseBroker()
                    .setNodeId(broker.id()).setHost(endpoint.host()).setPort(endpoint.port()).setRack(broker.rack())));
        }
        return response;
    }

    private static MetadataResponseTopic missing(String name, MetadataRequestData data) {
        Errors error = name != null && TopicNames.isValid(name) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
        MetadataResponseTopic topic = new MetadataResponseTopic().setErrorCode(error.code()).setName(name).setTopicId(Uuid.ZERO_UUID)
                .setIsInternal(name != null && TopicNames.isInternal(name));
        if (data.includeTopicAuthorizedOperations()) {
            topic.setTopicAuthorizedOperations(ALL_TOPIC_OPERATIONS);
        }
        return topic;
    }

    private static MetadataResponseTopic describe(RequestContext context, MetadataRequestData data, MetadataImage current, TopicImage topic) {
        MetadataResponseTopic result = new MetadataResponseTopic()
                .setErrorCode(Errors.NONE.code())
                .setName(topic.name())
                .setTopicId(TopicIds.toKafka(topic.id()))
                .setIsInternal(TopicNames.isInternal(topic.name()));
        if (data.includeTopicAuthorizedOperations()) {
            result.setTopicAuthorizedOperations(ALL_TOPIC_OPERATIONS);
        }
        List<Map.Entry<Integer, PartitionRegistration>> partitions = new ArrayList<>(topic.partitions().entrySet());
        partitions.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Integer, PartitionRegistration> entry : partitions) {
            result.partitions().add(partition(context, current, entry.getKey(), entry.getValue()));
        }
        return result;
    }

    private static MetadataResponsePartition partition(RequestContext context, MetadataImage current, int index, PartitionRegistration registration) {
        MetadataResponsePartition partition = new MetadataResponsePartition()
                .setPartitionIndex(index)
                .setLeaderEpoch(registration.leaderEpoch())
                .setReplicaNodes(registration.replicas())
                .setIsrNodes(registration.isr());
        List<Integer> offline = new ArrayList<>();
        for (int replica : registration.replicas()) {
            if (!reachable(current, replica, context.listenerName())) {
                offline.add(replica);
            }
        }
        partition.setOfflineReplicas(offline);
        if (reachable(current, registration.leader(), context.listenerName())) {
            partition.setErrorCode(Errors.NONE.code()).setLeaderId(registration.leader());
        } else {
            BrokerRegistration leader = current.brokers().get(registration.leader());
            Errors error = leader != null && context.apiVersion() >= 6 ? Errors.LISTENER_NOT_FOUND : Errors.LEADER_NOT_AVAILABLE;
            partition.setErrorCode(error.code()).setLeaderId(-1);
        }
        return partition;
    }

    private static boolean reachable(MetadataImage current, int brokerId, String listenerName) {
        BrokerRegistration broker = current.brokers().get(brokerId);
        return broker != null && broker.endpoint(listenerName).isPresent();
    }

    private static Set<String> allTopicNames(MetadataImage current) {
        Set<String> names = new LinkedHashSet<>();
        current.topics().byName().keySet().stream().sorted(Comparator.naturalOrder()).forEach(names::add);
        return names;
    }
}
