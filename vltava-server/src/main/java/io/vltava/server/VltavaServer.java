package io.vltava.server;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vltava.broker.api.AlterClientQuotasHandler;
import io.vltava.broker.api.AlterConfigsHandler;
import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.api.ApiVersionsHandler;
import io.vltava.broker.api.BrokerTopicMetrics;
import io.vltava.broker.api.CreatePartitionsHandler;
import io.vltava.broker.api.CreateTopicsHandler;
import io.vltava.broker.api.DeleteRecordsHandler;
import io.vltava.broker.api.DeleteTopicsHandler;
import io.vltava.broker.api.DescribeClientQuotasHandler;
import io.vltava.broker.api.DescribeClusterHandler;
import io.vltava.broker.api.DescribeConfigsHandler;
import io.vltava.broker.api.DescribeLogDirsHandler;
import io.vltava.broker.api.FetchHandler;
import io.vltava.broker.api.IncrementalAlterConfigsHandler;
import io.vltava.broker.api.InitProducerIdHandler;
import io.vltava.broker.api.KafkaApis;
import io.vltava.broker.api.ListOffsetsHandler;
import io.vltava.broker.api.MetadataHandler;
import io.vltava.broker.api.OffsetForLeaderEpochHandler;
import io.vltava.broker.api.ProduceHandler;
import io.vltava.broker.config.ConfigDescriber;
import io.vltava.broker.config.TopicConfigResolver;
import io.vltava.broker.fetch.FetchSessionCache;
import io.vltava.broker.coordinator.CoordinatorPublisher;
import io.vltava.broker.coordinator.CoordinatorTopic;
import io.vltava.broker.coordinator.FindCoordinatorHandler;
import io.vltava.broker.coordinator.InternalTopic;
import io.vltava.broker.group.GroupApis;
import io.vltava.broker.group.MetadataGroupTopics;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.broker.producer.ProducerIdManager;
import io.vltava.broker.quota.ClientQuotaManager;
import io.vltava.broker.quota.ClientQuotaManagerConfig;
import io.vltava.broker.quota.ControllerMutationQuotaManager;
import io.vltava.broker.quota.RequestQuotaManager;
import io.vltava.broker.txn.CoordinatorTransactionVerifier;
import io.vltava.broker.txn.PartitionMarkerWriter;
import io.vltava.broker.txn.TransactionApis;
import io.vltava.common.config.BrokerConfig;
import io.vltava.common.config.BrokerConfigs;
import io.vltava.common.config.Endpoint;
import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicNames;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.coordinator.group.GroupCoordinatorConfig;
import io.vltava.coordinator.txn.TransactionCoordinator;
import io.vltava.coordinator.txn.TransactionCoordinatorConfig;
import io.vltava.metadata.controller.ControllerConfig;
import io.vltava.metadata.controller.QuorumController;
import io.vltava.metadata.image.MetadataApplier;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.quorum.QuorumVoter;
import io.vltava.metadata.quorum.RatisMetadataLog;
import io.vltava.metadata.record.QuotaKey;
import io.vltava.metadata.record.RegisterBrokerRecord;
import io.vltava.network.NetworkMetrics;
import io.vltava.network.SocketServer;
import io.vltava.network.SocketServerConfig;
import io.vltava.server.metrics.ConsumerGroupMetrics;
import io.vltava.server.metrics.ControllerMetrics;
import io.vltava.server.metrics.MetricsEndpoint;
import io.vltava.server.metrics.ReplicaMetrics;
import io.vltava.storage.LogManager;
import io.vltava.storage.LogManagerConfig;
import io.vltava.storage.cleaner.LogCleanerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Vltava node: the metadata quorum and controller, the logs, the request handlers and the network
 * server, wired together. The one place where the modules meet.
 *
 * <p>Start-up order: open the metrics endpoint, identify the log directories, replay the metadata log,
 * load and recover the logs, bring partitions in line with the metadata, start listening, register the
 * broker. Shutdown closes the metrics endpoint first, then runs in reverse and leaves every log cleanly
 * closed.
 *
 * <p>Threading: {@link #start} and {@link #close} from one controlling thread.
 */
public final class VltavaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VltavaServer.class);
    private static final long OPERATION_TIMEOUT_MS = 30_000L;
    /** Threads of the transaction coordinator; each partition of __transaction_state runs on one. */
    private static final int TRANSACTION_COORDINATOR_THREADS = 2;
    /** Requests one connection may have outstanding before the broker stops reading it. */
    private static final int MAX_QUEUED_REQUESTS_PER_CONNECTION = 100;
    /** How long a scrape waits for the group coordinator's offsets before leaving them out. */
    private static final Duration GROUP_OFFSETS_SCRAPE_TIMEOUT = Duration.ofSeconds(2);

    private final BrokerConfig config;
    private final Time time;
    private String clusterId;
    private RatisMetadataLog metadataLog;
    private LogManager logManager;
    private QuorumController controller;
    private GroupCoordinator groupCoordinator;
    private TransactionCoordinator transactionCoordinator;
    private ProducerIdManager producerIds;
    private ClientQuotaManager produceQuotas;
    private ClientQuotaManager fetchQuotas;
    private ControllerMutationQuotaManager mutationQuotas;
    private volatile ReplicaManager replicaManager;
    private SocketServer socketServer;
    private List<Endpoint> boundListeners = List.of();
    /** This server's metrics: a registry of its own, not Prometheus's default one, so that servers in one JVM keep theirs apart. */
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private MetricsEndpoint metricsEndpoint;

    public VltavaServer(BrokerConfig config, Time time) {
        this.config = config;
        this.time = time;
    }

    /** Starts everything; on failure, whatever was started is stopped again. */
    public void start() {
        long started = System.nanoTime();
        try {
            JvmMetrics.builder().register(registry);
            metricsEndpoint = config.metricsListener().map(address -> MetricsEndpoint.start(address, registry)).orElse(null);
            List<Path> logDirs = config.logDirs();
            clusterId = MetaProperties.ensureConsistent(distinct(logDirs, config.metadataLogDir()), config.nodeId());
            MetadataApplier applier = new MetadataApplier();
            metadataLog = RatisMetadataLog.start(config.nodeId(), voters(), config.metadataLogDir().resolve(LogManager.METADATA_DIR), applier,
                    Duration.ofSeconds(60));
            TopicConfigResolver topicConfigs = new TopicConfigResolver(config);
            logManager = LogManager.open(logManagerConfig(), topic -> topicConfigs.settings(applier.image(), topic).logConfig(), time);
            replicaManager = new ReplicaManager(config.nodeId(), logManager, topicConfigs);
            applier.addPublisher(replicaManager);
            BrokerTopicMetrics topicMetrics = new BrokerTopicMetrics(registry);
            applier.addPublisher(topicMetrics);
            ClientQuotaManagerConfig quotaConfig = new ClientQuotaManagerConfig(config.getInt(BrokerConfigs.QUOTA_WINDOW_NUM),
                    config.getInt(BrokerConfigs.QUOTA_WINDOW_SIZE_SECONDS) * 1000L);
            produceQuotas = new ClientQuotaManager(QuotaKey.PRODUCER_BYTE_RATE, quotaConfig);
            fetchQuotas = new ClientQuotaManager(QuotaKey.CONSUMER_BYTE_RATE, quotaConfig);
            applier.addPublisher(produceQuotas);
            applier.addPublisher(fetchQuotas);
            mutationQuotas = new ControllerMutationQuotaManager(quotaConfig, time);
            applier.addPublisher(mutationQuotas);
            RequestQuotaManager requestQuotas = new RequestQuotaManager(quotaConfig);
            applier.addPublisher(requestQuotas);
            ReplicaMetrics.register(replicaManager, registry);
            ControllerMetrics.register(applier::image, metadataLog::isLeader, registry);
            groupCoordinator = new GroupCoordinator(groupCoordinatorConfig(), config.getInt(BrokerConfigs.GROUP_COORDINATOR_THREADS), time,
                    new MetadataGroupTopics(applier::image));
            applier.addPublisher(new CoordinatorPublisher(TopicNames.CONSUMER_OFFSETS, config.nodeId(), replicaManager, groupCoordinator.partitions(), time));
            producerIds = new ProducerIdManager(() -> controller.allocateProducerIds(config.nodeId()));
            transactionCoordinator = new TransactionCoordinator(transactionCoordinatorConfig(), TRANSACTION_COORDINATOR_THREADS, time,
                    new PartitionMarkerWriter(replicaManager, applier::image, () -> groupCoordinator), producerIds::nextProducerId);
            applier.addPublisher(new CoordinatorPublisher(TopicNames.TRANSACTION_STATE, config.nodeId(), replicaManager, transactionCoordinator.partitions(), time));
            controller = new QuorumController(new ControllerConfig(config.getInt(BrokerConfigs.NUM_PARTITIONS),
                    (short) config.getInt(BrokerConfigs.DEFAULT_REPLICATION_FACTOR), config.getBoolean(BrokerConfigs.DELETE_TOPIC_ENABLE),
                    OPERATION_TIMEOUT_MS), metadataLog);
            registry.register(new ConsumerGroupMetrics(groupCoordinator, replicaManager, GROUP_OFFSETS_SCRAPE_TIMEOUT));
            socketServer = new SocketServer(socketServerConfig(), new KafkaApis(handlers(applier::image, replicaManager, topicConfigs, topicMetrics), requestQuotas, time),
                    new NetworkMetrics(registry));
            boundListeners = socketServer.start();
            controller.registerBroker(registration()).get(OPERATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted during start-up", e);
        } catch (Exception e) {
            close();
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getMessage(), e);
        }
        log.info("Vltava node {} of cluster {} started in {} ms, listening on {}, metrics on {}", config.nodeId(), clusterId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), boundListeners, metricsEndpoint == null ? "(off)" : metricsEndpoint.url());
    }

    private List<ApiHandler<?>> handlers(Supplier<MetadataImage> image, ReplicaManager replicaManager, TopicConfigResolver topicConfigs,
                                         BrokerTopicMetrics topicMetrics) {
        ConfigDescriber describer = new ConfigDescriber(topicConfigs);
        List<ApiHandler<?>> handlers = new ArrayList<>(List.of(
                new MetadataHandler(config.nodeId(), clusterId, image, controller, config.getBoolean(BrokerConfigs.AUTO_CREATE_TOPICS_ENABLE)),
                new ProduceHandler(replicaManager, image, new CoordinatorTransactionVerifier(transactionCoordinator), time, topicMetrics, produceQuotas),
                new FetchHandler(replicaManager, image, new FetchSessionCache(config.getInt(BrokerConfigs.MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS), time),
                        config.getInt(BrokerConfigs.FETCH_MAX_BYTES), topicMetrics, fetchQuotas, time),
                new ListOffsetsHandler(replicaManager, image),
                new DeleteRecordsHandler(replicaManager, logManager, image),
                new OffsetForLeaderEpochHandler(replicaManager, image),
                new InitProducerIdHandler(producerIds, transactionCoordinator),
                new CreateTopicsHandler(controller, describer, mutationQuotas),
                new DeleteTopicsHandler(controller, image, mutationQuotas),
                new CreatePartitionsHandler(controller, image, mutationQuotas),
                new DescribeConfigsHandler(config.nodeId(), image, describer),
                new IncrementalAlterConfigsHandler(controller),
                new AlterConfigsHandler(controller),
                new DescribeClientQuotasHandler(image),
                new AlterClientQuotasHandler(controller),
                new DescribeClusterHandler(config.nodeId(), clusterId, image),
                new DescribeLogDirsHandler(logManager)));
        InternalTopic offsetsTopic = new InternalTopic(TopicNames.CONSUMER_OFFSETS, image, controller,
                config.getInt(BrokerConfigs.OFFSETS_TOPIC_NUM_PARTITIONS), (short) config.getInt(BrokerConfigs.OFFSETS_TOPIC_REPLICATION_FACTOR),
                config.getInt(BrokerConfigs.OFFSETS_TOPIC_SEGMENT_BYTES), 0);
        InternalTopic transactionStateTopic = new InternalTopic(TopicNames.TRANSACTION_STATE, image, controller,
                config.getInt(BrokerConfigs.TRANSACTION_STATE_LOG_NUM_PARTITIONS),
                (short) config.getInt(BrokerConfigs.TRANSACTION_STATE_LOG_REPLICATION_FACTOR), config.getInt(BrokerConfigs.TRANSACTION_STATE_LOG_SEGMENT_BYTES),
                config.getInt(BrokerConfigs.TRANSACTION_STATE_LOG_MIN_ISR));
        handlers.add(new FindCoordinatorHandler(image, Map.of(
                CoordinatorType.GROUP, new CoordinatorTopic(offsetsTopic, groupCoordinator::partitionFor),
                CoordinatorType.TRANSACTION, new CoordinatorTopic(transactionStateTopic, transactionCoordinator::partitionFor))));
        handlers.addAll(GroupApis.handlers(groupCoordinator, image));
        handlers.addAll(TransactionApis.handlers(transactionCoordinator, image));
        Set<ApiKeys> served = EnumSet.of(ApiKeys.API_VERSIONS);
        for (ApiHandler<?> handler : handlers) {
            served.add(handler.apiKey());
        }
        handlers.add(new ApiVersionsHandler(served));
        return handlers;
    }

    private List<QuorumVoter> voters() {
        List<String> configured = config.getList(BrokerConfigs.CONTROLLER_QUORUM_VOTERS);
        if (!configured.isEmpty()) {
            return QuorumVoter.parseList(configured);
        }
        Endpoint controllerListener = config.controllerListener();
        String host = controllerListener.host().isEmpty() ? "127.0.0.1" : controllerListener.host();
        return List.of(new QuorumVoter(config.nodeId(), host, controllerListener.port()));
    }

    private RegisterBrokerRecord registration() {
        List<RegisterBrokerRecord.BrokerEndpoint> endpoints = new ArrayList<>();
        for (Endpoint advertised : config.advertisedListeners()) {
            int port = advertised.port();
            if (port == 0) {
                port = boundListeners.stream().filter(b -> b.listenerName().equals(advertised.listenerName()))
                        .findFirst().map(Endpoint::port).orElse(0);
            }
            endpoints.add(new RegisterBrokerRecord.BrokerEndpoint(advertised.listenerName(), advertised.host(), port,
                    config.securityProtocols().get(advertised.listenerName())));
        }
        return new RegisterBrokerRecord(config.nodeId(), UUID.randomUUID(), endpoints, config.getString(BrokerConfigs.BROKER_RACK));
    }

    private TransactionCoordinatorConfig transactionCoordinatorConfig() {
        return new TransactionCoordinatorConfig(config.getInt(BrokerConfigs.TRANSACTION_STATE_LOG_NUM_PARTITIONS),
                config.getInt(BrokerConfigs.TRANSACTION_MAX_TIMEOUT_MS), config.getInt(BrokerConfigs.TRANSACTIONAL_ID_EXPIRATION_MS),
                config.getInt(BrokerConfigs.TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS),
                config.getInt(BrokerConfigs.TRANSACTION_REMOVE_EXPIRED_TRANSACTION_CLEANUP_INTERVAL_MS));
    }

    private GroupCoordinatorConfig groupCoordinatorConfig() {
        return new GroupCoordinatorConfig(config.getInt(BrokerConfigs.OFFSETS_TOPIC_NUM_PARTITIONS), config.getInt(BrokerConfigs.OFFSET_METADATA_MAX_BYTES),
                TimeUnit.MINUTES.toMillis(config.getInt(BrokerConfigs.OFFSETS_RETENTION_MINUTES)),
                config.getLong(BrokerConfigs.OFFSETS_RETENTION_CHECK_INTERVAL_MS), config.getInt(BrokerConfigs.GROUP_MIN_SESSION_TIMEOUT_MS),
                config.getInt(BrokerConfigs.GROUP_MAX_SESSION_TIMEOUT_MS), config.getInt(BrokerConfigs.GROUP_INITIAL_REBALANCE_DELAY_MS),
                config.getInt(BrokerConfigs.GROUP_MAX_SIZE), config.getInt(BrokerConfigs.GROUP_CONSUMER_SESSION_TIMEOUT_MS),
                config.getInt(BrokerConfigs.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS), config.getInt(BrokerConfigs.GROUP_CONSUMER_MAX_SIZE),
                config.getList(BrokerConfigs.GROUP_CONSUMER_ASSIGNORS), config.getString(BrokerConfigs.GROUP_CONSUMER_MIGRATION_POLICY),
                config.getList(BrokerConfigs.GROUP_COORDINATOR_REBALANCE_PROTOCOLS).contains("consumer"));
    }

    private LogManagerConfig logManagerConfig() {
        return new LogManagerConfig(config.logDirs(), config.getInt(BrokerConfigs.LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS),
                config.getLong(BrokerConfigs.LOG_FLUSH_SCHEDULER_INTERVAL_MS), config.getInt(BrokerConfigs.PRODUCER_ID_EXPIRATION_MS),
                config.getInt(BrokerConfigs.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS), config.getLong(BrokerConfigs.LOG_RETENTION_CHECK_INTERVAL_MS),
                new LogCleanerConfig(config.getBoolean(BrokerConfigs.LOG_CLEANER_ENABLE), config.getInt(BrokerConfigs.LOG_CLEANER_THREADS),
                        config.getLong(BrokerConfigs.LOG_CLEANER_DEDUPE_BUFFER_SIZE), config.getInt(BrokerConfigs.LOG_CLEANER_IO_BUFFER_SIZE),
                        config.getDouble(BrokerConfigs.LOG_CLEANER_IO_MAX_BYTES_PER_SECOND), config.getLong(BrokerConfigs.LOG_CLEANER_BACKOFF_MS)),
                config.getLong(BrokerConfigs.LOG_DIR_MIN_FREE_BYTES), config.getLong(BrokerConfigs.LOG_DIR_FREE_SPACE_CHECK_INTERVAL_MS));
    }

    private SocketServerConfig socketServerConfig() {
        return new SocketServerConfig(config.clientListeners(), config.getInt(BrokerConfigs.SOCKET_REQUEST_MAX_BYTES), config.numNetworkThreads(),
                config.getInt(BrokerConfigs.SOCKET_SEND_BUFFER_BYTES), config.getInt(BrokerConfigs.SOCKET_RECEIVE_BUFFER_BYTES),
                config.getLong(BrokerConfigs.CONNECTIONS_MAX_IDLE_MS), MAX_QUEUED_REQUESTS_PER_CONNECTION,
                new SocketServerConfig.Limits(config.getInt(BrokerConfigs.MAX_CONNECTIONS), config.getInt(BrokerConfigs.MAX_CONNECTIONS_PER_IP),
                        BrokerConfigs.perIpOverrides(config.getList(BrokerConfigs.MAX_CONNECTIONS_PER_IP_OVERRIDES)),
                        config.getInt(BrokerConfigs.QUEUED_MAX_REQUESTS), config.getLong(BrokerConfigs.QUEUED_MAX_REQUEST_BYTES),
                        config.getLong(BrokerConfigs.SOCKET_REQUEST_ARRIVAL_TIMEOUT_MS)));
    }

    private static List<Path> distinct(List<Path> logDirs, Path metadataDir) {
        List<Path> dirs = new ArrayList<>(logDirs);
        if (!dirs.contains(metadataDir)) {
            dirs.add(metadataDir);
        }
        return dirs;
    }

    /** The partitions this broker holds, for tests that reach past the wire (null until started). */
    public ReplicaManager replicaManager() {
        return replicaManager;
    }

    public String clusterId() {
        return clusterId;
    }

    /** The client listeners as bound, with the actual ports. */
    public List<Endpoint> boundListeners() {
        return boundListeners;
    }

    /** The bound port of the first client listener. */
    public int port() {
        return boundListeners.get(0).port();
    }

    /** The bound port of the metrics endpoint, or -1 when {@code metrics.listener} turns it off. */
    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    /** Stops serving and closes everything; the logs are left clean. Safe to call more than once. */
    @Override
    public void close() {
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
            metricsEndpoint = null;
        }
        if (socketServer != null) {
            socketServer.close();
            socketServer = null;
        }
        if (transactionCoordinator != null) {
            transactionCoordinator.close();
            transactionCoordinator = null;
        }
        if (groupCoordinator != null) {
            groupCoordinator.close();
            groupCoordinator = null;
        }
        if (controller != null) {
            controller.close();
            controller = null;
        }
        if (logManager != null) {
            logManager.close();
            logManager = null;
        }
        if (metadataLog != null) {
            metadataLog.close();
            metadataLog = null;
        }
        registry.clear();
        log.info("Vltava node {} stopped", config.nodeId());
    }
}
