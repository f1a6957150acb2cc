package io.vltava.metadata.quorum;

import io.vltava.common.io.AtomicFile;
import io.vltava.metadata.image.MetadataApplier;
import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.MetadataSnapshot;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.MetadataRecordSerde;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The Ratis state machine of the metadata log: each committed entry is a batch of metadata records,
 * applied in log order to the {@link MetadataApplier}. A snapshot is the image written out as records
 * ({@code snapshot.<term>_<index>} with an MD5 file, in Ratis' state machine directory), so a restart
 * loads the newest snapshot and Ratis replays only the entries after it.
 *
 * <p>Threading: Ratis calls {@link #applyTransaction} on its single state machine updater thread, in
 * log order, for committed entries only; snapshots are taken on that thread too.
 */
final class MetadataStateMachine extends BaseStateMachine {

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final MetadataApplier applier;

    MetadataStateMachine(MetadataApplier applier) {
        this.applier = applier;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        deleteUnfinishedSnapshots(raftStorage.getStorageDir().getStateMachineDir().toPath());
        getLifeCycle().startAndTransition(() -> loadSnapshot(storage.loadLatestSnapshot()));
    }

    @Override
    public void reinitialize() throws IOException {
        getLifeCycle().startAndTransition(() -> loadSnapshot(storage.loadLatestSnapshot()));
    }

    @Override
    public void pause() {
        if (getLifeCycle().getCurrentState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void close() {
        getLifeCycle().checkStateAndClose(() -> { });
    }

    /** Refuses, before it reaches the log, an entry that is not a readable batch of records. */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext transaction = super.startTransaction(request);
        try {
            MetadataRecordSerde.decode(request.getMessage().getContent().toByteArray());
        } catch (IllegalArgumentException e) {
            transaction.setException(e);
        }
        return transaction;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext transaction) {
        LogEntryProto entry = transaction.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(entry);
        List<MetadataRecord> records = MetadataRecordSerde.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
        applier.apply(termIndex.getIndex(), records);
        updateLastAppliedTermIndex(termIndex);
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFromUtf8(Long.toString(termIndex.getIndex()))));
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataImage image = applier.image();
        TermIndex last = getLastAppliedTermIndex();
        if (last.getIndex() <= 0) {
            return last.getIndex();
        }
        File target = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        AtomicFile.write(target.toPath(), MetadataRecordSerde.encode(MetadataSnapshot.records(image)));
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(target);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5), last));
        return last.getIndex();
    }

    private void loadSnapshot(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        if (snapshot.getFile().getFileDigest() != null) {
            MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
        }
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        for (MetadataRecord record : MetadataRecordSerde.decode(Files.readAllBytes(file.toPath()))) {
            delta.replay(record);
        }
        TermIndex termIndex = snapshot.getTermIndex();
        applier.reset(delta.apply(termIndex.getIndex()));
        setLastAppliedTermIndex(termIndex);
    }

    private static void deleteUnfinishedSnapshots(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + AtomicFile.TMP_SUFFIX)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }
}
