package io.vltava.broker.config;

import io.vltava.common.config.BrokerConfig;
import io.vltava.common.config.BrokerConfigs;
import io.vltava.common.config.ConfigKey;
import io.vltava.common.config.TopicConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Describes configurations the way DescribeConfigs reports them: for a topic, every topic key with its
 * effective value, where the value comes from and the chain of synonyms that could supply it; for
 * this broker, every broker key with its value (all read-only, as Vltava has no dynamic broker
 * configuration yet).
 *
 * <p>Threading: immutable; safe from any thread.
 */
public final class ConfigDescriber {

    private final BrokerConfig brokerConfig;
    private final TopicConfigResolver resolver;

    public ConfigDescriber(TopicConfigResolver resolver) {
        this.resolver = resolver;
        this.brokerConfig = resolver.brokerConfig();
    }

    /** Every topic key of a topic with these overrides, or only {@code keys} when not null. */
    public List<DescribedConfig> describeTopic(Map<String, String> overrides, List<String> keys) {
        Map<String, Object> effective = resolver.effectiveValues(overrides);
        List<DescribedConfig> configs = new ArrayList<>();
        for (ConfigKey key : TopicConfigs.DEFINITION.keys()) {
            if (keys != null && !keys.contains(key.name())) {
                continue;
            }
            List<DescribedConfig.Synonym> synonyms = new ArrayList<>();
            String override = overrides.get(key.name());
            if (override != null) {
                synonyms.add(new DescribedConfig.Synonym(key.name(), override, DescribedConfig.SOURCE_TOPIC));
            }
            for (TopicConfigs.Synonym synonym : TopicConfigs.synonyms(key.name())) {
                String set = brokerConfig.originals().get(synonym.brokerKey());
                if (set != null) {
                    synonyms.add(new DescribedConfig.Synonym(synonym.brokerKey(), set, DescribedConfig.SOURCE_STATIC_BROKER));
                }
            }
            for (TopicConfigs.Synonym synonym : TopicConfigs.synonyms(key.name())) {
                BrokerConfigs.DEFINITION.key(synonym.brokerKey())
                        .filter(brokerKey -> brokerKey.defaultValue() != null)
                        .ifPresent(brokerKey -> synonyms.add(new DescribedConfig.Synonym(brokerKey.name(), brokerKey.defaultText(),
                                DescribedConfig.SOURCE_DEFAULT)));
            }
            byte source = synonyms.isEmpty() ? DescribedConfig.SOURCE_DEFAULT : synonyms.get(0).source();
            configs.add(new DescribedConfig(key.name(), key.type().format(effective.get(key.name())), source, false, synonyms, key.type(),
                    key.documentation()));
        }
        return configs;
    }

    /** Every broker key, or only {@code keys} when not null. */
    public List<DescribedConfig> describeBroker(List<String> keys) {
        List<DescribedConfig> configs = new ArrayList<>();
        for (ConfigKey key : BrokerConfigs.DEFINITION.keys()) {
            if (keys != null && !keys.contains(key.name())) {
                continue;
            }
            String set = brokerConfig.originals().get(key.name());
            List<DescribedConfig.Synonym> synonyms = new ArrayList<>();
            if (set != null) {
                synonyms.add(new DescribedConfig.Synonym(key.name(), set, DescribedConfig.SOURCE_STATIC_BROKER));
            }
            if (key.defaultValue() != null) {
                synonyms.add(new DescribedConfig.Synonym(key.name(), key.defaultText(), DescribedConfig.SOURCE_DEFAULT));
            }
            byte source = set != null ? DescribedConfig.SOURCE_STATIC_BROKER : DescribedConfig.SOURCE_DEFAULT;
            configs.add(new DescribedConfig(key.name(), key.type().format(brokerConfig.get(key.name())), source, true, synonyms, key.type(),
                    key.documentation()));
        }
        return configs;
    }
}
