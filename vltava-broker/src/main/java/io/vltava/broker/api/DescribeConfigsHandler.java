package io.vltava.broker.api;

import io.vltava.broker.config.ConfigDescriber;
import io.vltava.broker.config.DescribedConfig;
import io.vltava.broker.config.TopicConfigResolver;
import io.vltava.common.topic.TopicNames;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.network.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;

/**
 * DescribeConfigs for topics (every topic key with its effective value, source and synonyms) and for
 * this broker (every broker key, read-only).
 *
 * <p>Threading: stateless; runs on the requesting event loop.
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest> {

    private final int nodeId;
    private final Supplier<MetadataImage> image;
    private final ConfigDescriber describer;

    public DescribeConfigsHandler(int nodeId, Supplier<MetadataImage> image, ConfigDescriber describer) {
        this.nodeId = nodeId;
        this.image = image;
        this.describer = describer;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeConfigsRequest request) {
        MetadataImage current = image.get();
        boolean synonyms = request.data().includeSynonyms();
        boolean documentation = request.data().includeDocumentation();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsResource resource : request.data().resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName()).setErrorCode(Errors.NONE.code());
            List<String> keys = resource.configurationKeys() == null || resource.configurationKeys().isEmpty() ? null : resource.configurationKeys();
            if (resource.resourceType() == ConfigResourceType.TOPIC.code()) {
                String invalid = TopicNames.invalidReason(resource.resourceName());
                if (invalid != null) {
                    result.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code()).setErrorMessage(invalid);
                } else if (current.topics().get(resource.resourceName()) == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else {
                    add(result, describer.describeTopic(TopicConfigResolver.overrides(current, resource.resourceName()), keys), synonyms, documentation);
                }
            } else if (resource.resourceType() == ConfigResourceType.BROKER.code()) {
                if (resource.resourceName().isEmpty()) {
                    result.setErrorCode(Errors.NONE.code());
                } else if (!resource.resourceName().equals(Integer.toString(nodeId))) {
                    result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Unexpected broker id, expected " + nodeId
                            + " or empty string, but received " + resource.resourceName());
                } else {
                    add(result, describer.describeBroker(keys), synonyms, documentation);
                }
            } else {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Unsupported resource type " + resource.resourceType());
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static void add(DescribeConfigsResult result, List<DescribedConfig> configs, boolean includeSynonyms, boolean includeDocumentation) {
        for (DescribedConfig config : configs) {
            DescribeConfigsResourceResult entry = new DescribeConfigsResourceResult()
                    .setName(config.name())
                    .setValue(config.value())
                    .setReadOnly(config.readOnly())
                    .setConfigSource(config.source())
                    .setIsSensitive(false)
                    .setConfigType(config.type().code())
                    .setDocumentation(includeDocumentation ? config.documentation() : null);
            if (includeSynonyms) {
                for (DescribedConfig.Synonym synonym : config.synonyms()) {
                    entry.synonyms().add(new DescribeConfigsSynonym().setName(synonym.name()).setValue(synonym.value()).setSource(synonym.source()));
                }
            }
            result.configs().add(entry);
        }
    }
}
