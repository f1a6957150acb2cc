package io.vltava.metadata.quorum;

import io.vltava.metadata.image.MetadataApplier;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.MetadataRecordSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata log replicated by an embedded Apache Ratis server: a Raft group of the
 * {@code controller.quorum.voters} (this node alone by default). Records are appended in-process,
 * without a network round trip, and each committed entry is applied to the {@link MetadataApplier}.
 *
 * <p>Storage: Ratis keeps its log, metadata and snapshots under the directory given (the broker uses
 * {@code <metadata.log.dir>/__cluster_metadata-0}); a restart recovers it, loads the newest snapshot
 * and replays the entries after it before {@link #start} returns.
 *
 * <p>Threading: {@link #append} and {@link #image} from any thread.
 */
public final class RatisMetadataLog implements MetadataLog {

    /** The Raft group of the metadata log; fixed, as the storage directory is named after it. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.fromString("766c7461-7661-6d65-7461-646174610001"));

    private static final Logger log = LoggerFactory.getLogger(RatisMetadataLog.class);

    private final RaftServer server;
    private final RaftPeerId selfId;
    private final MetadataApplier applier;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callId = new AtomicLong();

    private RatisMetadataLog(RaftServer server, RaftPeerId selfId, MetadataApplier applier) {
        this.server = server;
        this.selfId = selfId;
        this.applier = applier;
    }

    /**
     * Starts the quorum member {@code nodeId} with its storage in {@code dir}, and waits until this
     * node leads and has applied the whole log.
     */
    public static RatisMetadataLog start(int nodeId, List<QuorumVoter> voters, Path dir, MetadataApplier applier, Duration readyTimeout) {
        QuorumVoter self = voters.stream().filter(v -> v.id() == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Node " + nodeId + " is not among the quorum voters " + voters));
        RaftPeerId selfId = RaftPeerId.valueOf(Integer.toString(nodeId));
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, voters.stream()
                .map(v -> RaftPeer.newBuilder().setId(Integer.toString(v.id())).setAddress(v.address()).build())
                .toList());
        RaftProperties properties = properties(dir, self);
        RaftServer server;
        try {
            server = RaftServer.newBuilder()
                    .setServerId(selfId)
                    .setGroup(group)
                    .setStateMachine(new MetadataStateMachine(applier))
                    .setProperties(properties)
                    .setOption(RaftStorage.StartupOption.RECOVER)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the metadata quorum server", e);
        }
        RatisMetadataLog metadataLog = new RatisMetadataLog(server, selfId, applier);
        try {
            server.start();
            metadataLog.awaitReady(readyTimeout);
        } catch (IOException | RuntimeException | TimeoutException e) {
            metadataLog.close();
            throw new IllegalStateException("The metadata quorum did not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            metadataLog.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the metadata quorum", e);
        }
        log.info("Metadata quorum ready at offset {} ({} voter(s))", applier.image().offset(), voters.size());
        return metadataLog;
    }

    private static RaftProperties properties(Path dir, QuorumVoter self) {
        RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.NETTY);
        RaftServerConfigKeys.setStorageDir(properties, List.of(dir.toFile()));
        NettyConfigKeys.Server.setHost(properties, self.host());
        NettyConfigKeys.Server.setPort(properties, self.port());
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(properties, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(properties, SizeInBytes.valueOf("4MB"));
        RaftServerConfigKeys.Log.setWriteBufferSize(properties, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, 10_000);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(600, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(properties, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(properties, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
        // Ratis closes a server that was paused (a suspended host, a long stall) for over a minute; the
        // broker must stay the controller it was, so no pause is long enough to close it.
        RaftServerConfigKeys.setCloseThreshold(properties, TimeDuration.valueOf(3650, TimeUnit.DAYS));
        return properties;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        DivisionInfo info = server.getDivision(GROUP_ID).getInfo();
        while (!(info.isLeader() && info.isLeaderReady())) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no ready leader after " + timeout + " (role " + info.getCurrentRole() + ")");
            }
            Thread.sleep(5);
        }
    }

    @Override
    public CompletableFuture<Long> append(List<MetadataRecord> records) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(selfId)
                .setGroupId(GROUP_ID)
                .setCallId(callId.incrementAndGet())
                .setMessage(Message.valueOf(ByteString.copyFrom(MetadataRecordSerde.encode(records))))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return reply.thenApply(r -> {
            if (!r.isSuccess()) {
                throw new CompletionException(r.getException());
            }
            return r.getLogIndex();
        });
    }

    @Override
    public MetadataImage image() {
        return applier.image();
    }

    /** Whether this node leads the metadata quorum, that is, is the active controller. */
    public boolean isLeader() {
        try {
            return server.getDivision(GROUP_ID).getInfo().isLeader();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            log.warn("Error closing the metadata quorum", e);
        }
    }
}
