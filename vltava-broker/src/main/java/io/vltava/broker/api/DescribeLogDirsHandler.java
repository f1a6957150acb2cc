package io.vltava.broker.api;

import io.vltava.network.RequestContext;
import io.vltava.storage.LogManager;
import io.vltava.storage.log.PartitionLog;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;

/**
 * DescribeLogDirs: every log directory of this broker with the size in bytes of each partition log it
 * holds, and (v4+) the total and usable bytes of its volume. Partitions asked for but not hosted here
 * are left out. Logs never move between directories, so no log is a future one and none lags.
 *
 * <p>Threading: stateless; runs on the requesting event loop (sizes are in memory; the volume's space
 * is one system call per directory).
 */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequest> {

    private final LogManager logManager;

    public DescribeLogDirsHandler(LogManager logManager) {
        this.logManager = logManager;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_LOG_DIRS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeLogDirsRequest request) {
        Map<Path, Map<String, List<DescribeLogDirsPartition>>> byDir = new LinkedHashMap<>();
        for (Path dir : logManager.logDirs()) {
            byDir.put(dir, new TreeMap<>());
        }
        List<PartitionLog> logs = new ArrayList<>(logManager.logs());
        logs.sort(Comparator.comparingInt(log -> log.topicPartition().partition()));
        for (PartitionLog log : logs) {
            Map<String, List<DescribeLogDirsPartition>> topics = byDir.get(log.dir().getParent());
            if (topics == null || !requested(request, log)) {
                continue;
            }
            topics.computeIfAbsent(log.topicPartition().topic(), topic -> new ArrayList<>()).add(new DescribeLogDirsPartition()
                    .setPartitionIndex(log.topicPartition().partition()).setPartitionSize(log.sizeInBytes()).setOffsetLag(0).setIsFutureKey(false));
        }
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
        byDir.forEach((dir, topics) -> {
            File volume = dir.toFile();
            DescribeLogDirsResult result = new DescribeLogDirsResult().setErrorCode(Errors.NONE.code()).setLogDir(dir.toAbsolutePath().toString())
                    .setTotalBytes(volume.getTotalSpace()).setUsableBytes(volume.getUsableSpace());
            topics.forEach((topic, partitions) -> result.topics().add(new DescribeLogDirsTopic().setName(topic).setPartitions(partitions)));
            response.results().add(result);
        });
        return CompletableFuture.completedFuture(response);
    }

    private static boolean requested(DescribeLogDirsRequest request, PartitionLog log) {
        if (request.isAllTopicPartitions()) {
            return true;
        }
        DescribableLogDirTopic topic = request.data().topics().find(log.topicPartition().topic());
        return topic != null && topic.partitions().contains(log.topicPartition().partition());
    }
}
