package io.vltava.metadata.controller;

import io.vltava.common.config.ConfigException;
import io.vltava.common.config.ConfigKey;
import io.vltava.common.config.ConfigType;
import io.vltava.common.config.TopicConfigs;
import io.vltava.common.topic.TopicNames;
import io.vltava.metadata.image.ConfigResource;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.MetadataRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Configuration operations of the controller: validating topic configurations and applying
 * AlterConfigs and IncrementalAlterConfigs to topics. Dynamic broker configuration is refused for
 * now, with a clear error.
 *
 * <p>Threading: stateless; called on the controller thread.
 */
final class ConfigControl {

    /** Longest configuration value accepted (Kafka 4.4). */
    static final int MAX_VALUE_BYTES = 32_767;

    private static final byte OP_SET = 0;
    private static final byte OP_DELETE = 1;
    private static final byte OP_APPEND = 2;
    private static final byte OP_SUBTRACT = 3;

    private ConfigControl() {
    }

    /** Checks topic overrides: known keys, valid values, consistent combinations; null when fine. */
    static ApiError validateTopicConfigs(Map<String, String> configs) {
        for (Map.Entry<String, String> entry : configs.entrySet()) {
            Optional<ConfigKey> key = TopicConfigs.DEFINITION.key(entry.getKey());
            if (key.isEmpty()) {
                return new ApiError(Errors.INVALID_CONFIG, "Unknown topic config name: " + entry.getKey());
            }
            if (entry.getValue().getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
                return new ApiError(Errors.INVALID_CONFIG, "The value of " + entry.getKey() + " is longer than " + MAX_VALUE_BYTES + " bytes");
            }
            try {
                key.get().parse(entry.getValue());
            } catch (ConfigException e) {
                return new ApiError(Errors.INVALID_CONFIG, e.getMessage());
            }
        }
        Map<String, Object> parsed = TopicConfigs.DEFINITION.parse(configs);
        long minLag = (Long) parsed.get(TopicConfigs.MIN_COMPACTION_LAG_MS);
        long maxLag = (Long) parsed.get(TopicConfigs.MAX_COMPACTION_LAG_MS);
        if (configs.containsKey(TopicConfigs.MIN_COMPACTION_LAG_MS) && minLag > maxLag) {
            return new ApiError(Errors.INVALID_CONFIG, "conflict topic config setting min.compaction.lag.ms (" + minLag
                    + ") > max.compaction.lag.ms (" + maxLag + ")");
        }
        if (Boolean.TRUE.equals(parsed.get(TopicConfigs.REMOTE_STORAGE_ENABLE))) {
            return new ApiError(Errors.INVALID_CONFIG, "Tiered Storage functionality is disabled in the broker. "
                    + "Topic cannot be configured with remote log storage.");
        }
        return null;
    }

    static ControllerResult<IncrementalAlterConfigsResponseData> incrementalAlterConfigs(MetadataImage image,
                                                                                        IncrementalAlterConfigsRequestData request) {
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        List<MetadataRecord> records = new ArrayList<>();
        Set<ConfigResource> duplicates = duplicates(request.resources().stream()
                .map(resource -> resourceKey(resource.resourceType(), resource.resourceName())).toList());
        for (AlterConfigsResource resource : request.resources()) {
            ConfigResource key = resourceKey(resource.resourceType(), resource.resourceName());
            ApiError error;
            if (key != null && duplicates.contains(key)) {
                error = new ApiError(Errors.INVALID_REQUEST, "Duplicate resource in the request: " + resource.resourceName());
            } else {
                error = incrementalAlter(image, resource, key, request.validateOnly(), records);
            }
            response.responses().add(new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName())
                    .setErrorCode(error.error().code())
                    .setErrorMessage(error.message()));
        }
        return new ControllerResult<>(records, response);
    }

    private static ApiError incrementalAlter(MetadataImage image, AlterConfigsResource resource, ConfigResource key, boolean validateOnly,
                                             List<MetadataRecord> records) {
        ApiError resourceError = checkResource(resource.resourceType(), key);
        if (resourceError != null) {
            return resourceError;
        }
        Map<String, String> current = image.configs(key);
        Map<String, String> updated = new LinkedHashMap<>(current);
        Set<String> keys = new HashSet<>();
        for (AlterableConfig config : resource.configs()) {
            if (!keys.add(config.name())) {
                return new ApiError(Errors.INVALID_REQUEST, "Duplicate config key " + config.name() + " in the request");
            }
            if (config.configOperation() == OP_DELETE) {
                // Deleting a key that is not set, even an unknown one, is a no-op (as in Kafka).
                updated.remove(config.name());
                continue;
            }
            if (config.value() == null) {
                return new ApiError(Errors.INVALID_REQUEST, "Null value not supported for : " + config.name());
            }
            Optional<ConfigKey> definition = TopicConfigs.DEFINITION.key(config.name());
            if (definition.isEmpty()) {
                return new ApiError(Errors.INVALID_CONFIG, "Unknown topic config name: " + config.name());
            }
            switch (config.configOperation()) {
                case OP_SET -> updated.put(config.name(), config.value());
                case OP_APPEND, OP_SUBTRACT -> {
                    if (definition.get().type() != ConfigType.LIST) {
                        return new ApiError(Errors.INVALID_CONFIG, "Config value append is not allowed for config key: " + config.name());
                    }
                    Set<String> items = new LinkedHashSet<>(currentList(definition.get(), updated.get(config.name())));
                    List<String> change = listOf(config.value());
                    if (config.configOperation() == OP_APPEND) {
                        items.addAll(change);
                    } else {
                        change.forEach(items::remove);
                    }
                    updated.put(config.name(), String.join(",", items));
                }
                default -> {
                    return new ApiError(Errors.INVALID_REQUEST, "Unknown config operation " + config.configOperation());
                }
            }
        }
        ApiError invalid = validateTopicConfigs(updated);
        if (invalid != null) {
            return invalid;
        }
        if (image.topics().get(key.name()) == null) {
            return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + key.name() + "' does not exist.");
        }
        if (!validateOnly) {
            addChanges(key, current, updated, records);
        }
        return ApiError.NONE;
    }

    static ControllerResult<AlterConfigsResponseData> alterConfigs(MetadataImage image, AlterConfigsRequestData request) {
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        List<MetadataRecord> records = new ArrayList<>();
        Set<ConfigResource> duplicates = duplicates(request.resources().stream()
                .map(resource -> resourceKey(resource.resourceType(), resource.resourceName())).toList());
        for (AlterConfigsRequestData.AlterConfigsResource resource : request.resources()) {
            ConfigResource key = resourceKey(resource.resourceType(), resource.resourceName());
            ApiError error = key != null && duplicates.contains(key)
                    ? new ApiError(Errors.INVALID_REQUEST, "Duplicate resource in the request: " + resource.resourceName())
                    : checkResource(resource.resourceType(), key);
            if (error == null) {
                Map<String, String> updated = new LinkedHashMap<>();
                for (AlterConfigsRequestData.AlterableConfig config : resource.configs()) {
                    if (updated.containsKey(config.name())) {
                        error = new ApiError(Errors.INVALID_REQUEST, "Duplicate config key " + config.name() + " in the request");
                        break;
                    }
                    if (config.value() == null) {
                        error = new ApiError(Errors.INVALID_REQUEST, "Null value not supported for : " + config.name());
                        break;
                    }
                    updated.put(config.name(), config.value());
                }
                if (error == null) {
                    error = validateTopicConfigs(updated);
                }
                if (error == null && image.topics().get(key.name()) == null) {
                    error = new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + key.name() + "' does not exist.");
                }
                if (error == null && !request.validateOnly()) {
                    addChanges(key, image.configs(key), updated, records);
                }
            }
            ApiError result = error == null ? ApiError.NONE : error;
            response.responses().add(new AlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName())
                    .setErrorCode(result.error().code())
                    .setErrorMessage(result.message()));
        }
        return new ControllerResult<>(records, response);
    }

    private static ApiError checkResource(byte resourceType, ConfigResource key) {
        if (resourceType == ConfigResourceType.BROKER.code()) {
            return new ApiError(Errors.INVALID_REQUEST, "Vltava does not support dynamic broker configuration yet; set it in server.properties");
        }
        if (key == null) {
            return new ApiError(Errors.INVALID_REQUEST, "Unsupported resource type " + resourceType);
        }
        if (key.name() == null || key.name().isEmpty()) {
            return new ApiError(Errors.INVALID_REQUEST, "Default topic resources are not allowed.");
        }
        String invalidName = TopicNames.invalidReason(key.name());
        if (invalidName != null) {
            return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, invalidName);
        }
        return null;
    }

    private static Set<ConfigResource> duplicates(List<ConfigResource> resources) {
        Set<ConfigResource> seen = new HashSet<>();
        Set<ConfigResource> duplicates = new HashSet<>();
        for (ConfigResource key : resources) {
            if (key != null && !seen.add(key)) {
                duplicates.add(key);
            }
        }
        return duplicates;
    }

    private static void addChanges(ConfigResource key, Map<String, String> current, Map<String, String> updated, List<MetadataRecord> records) {
        for (String name : current.keySet()) {
            if (!updated.containsKey(name)) {
                records.add(new ConfigRecord(key.type(), key.name(), name, null));
            }
        }
        updated.forEach((name, value) -> {
            if (!Objects.equals(current.get(name), value)) {
                records.add(new ConfigRecord(key.type(), key.name(), name, value));
            }
        });
    }

    private static ConfigResource resourceKey(byte resourceType, String name) {
        if (resourceType == ConfigResourceType.TOPIC.code()) {
            return new ConfigResource(ConfigResourceType.TOPIC, name);
        }
        if (resourceType == ConfigResourceType.BROKER.code()) {
            return new ConfigResource(ConfigResourceType.BROKER, name);
        }
        return null;
    }

    private static List<String> currentList(ConfigKey key, String override) {
        if (override != null) {
            return listOf(override);
        }
        @SuppressWarnings("unchecked")
        List<String> defaults = (List<String>) key.defaultValue();
        return defaults == null ? List.of() : defaults;
    }

    private static List<String> listOf(String text) {
        @SuppressWarnings("unchecked")
        List<String> items = (List<String>) ConfigType.LIST.parse("list", text);
        return items;
    }
}
