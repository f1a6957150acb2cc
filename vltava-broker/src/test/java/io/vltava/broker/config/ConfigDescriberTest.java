package io.vltava.broker.config;

import static io.vltava.broker.config.DescribedConfig.SOURCE_DEFAULT;
import static io.vltava.broker.config.DescribedConfig.SOURCE_STATIC_BROKER;
import static io.vltava.broker.config.DescribedConfig.SOURCE_TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.broker.config.DescribedConfig.Synonym;
import io.vltava.common.config.BrokerConfig;
import io.vltava.common.config.BrokerConfigs;
import io.vltava.common.config.ConfigType;
import io.vltava.common.config.TopicConfigs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDescriberTest {

    private static ConfigDescriber describer(Map<String, String> brokerProps) {
        return new ConfigDescriber(new TopicConfigResolver(BrokerConfig.parse(brokerProps)));
    }

    private static DescribedConfig topicKey(ConfigDescriber describer, Map<String, String> overrides, String key) {
        List<DescribedConfig> configs = describer.describeTopic(overrides, List.of(key));
        assertThat(configs).hasSize(1);
        return configs.get(0);
    }

    @Test
    void describesEveryTopicKeyWhenNoneAreNamed() {
        List<DescribedConfig> configs = describer(Map.of()).describeTopic(Map.of(), null);
        assertThat(configs).extracting(DescribedConfig::name)
                .containsExactlyElementsOf(TopicConfigs.DEFINITION.keys().stream().map(k -> k.name()).toList());
        assertThat(configs).allSatisfy(c -> assertThat(c.readOnly()).isFalse());
    }

    @Test
    void describesOnlyTheNamedKeys() {
        List<DescribedConfig> configs = describer(Map.of()).describeTopic(Map.of(), List.of("retention.ms", "cleanup.policy", "no.such.key"));
        assertThat(configs).extracting(DescribedConfig::name).containsExactly("cleanup.policy", "retention.ms");
    }

    @Test
    void anUntouchedKeyComesFromTheDefault() {
        DescribedConfig retention = topicKey(describer(Map.of()), Map.of(), "retention.ms");
        assertThat(retention.value()).isEqualTo("604800000");
        assertThat(retention.source()).isEqualTo(SOURCE_DEFAULT);
        assertThat(retention.synonyms()).containsExactly(new Synonym("log.retention.hours", "168", SOURCE_DEFAULT));
        assertThat(retention.type()).isEqualTo(ConfigType.LONG);
        assertThat(retention.documentation()).isNotBlank();
    }

    @Test
    void aKeySetOnTheBrokerComesFromTheStaticBrokerConfigInTheTopicUnit() {
        DescribedConfig retention = topicKey(describer(Map.of("log.retention.hours", "2")), Map.of(), "retention.ms");
        assertThat(retention.value()).isEqualTo("7200000");
        assertThat(retention.source()).isEqualTo(SOURCE_STATIC_BROKER);
        assertThat(retention.synonyms()).containsExactly(
                new Synonym("log.retention.hours", "2", SOURCE_STATIC_BROKER),
                new Synonym("log.retention.hours", "168", SOURCE_DEFAULT));
    }

    @Test
    void aTopicOverrideComesFirst() {
        DescribedConfig retention = topicKey(describer(Map.of("log.retention.hours", "2")), Map.of("retention.ms", "1000"), "retention.ms");
        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.source()).isEqualTo(SOURCE_TOPIC);
        assertThat(retention.synonyms()).containsExactly(
                new Synonym("retention.ms", "1000", SOURCE_TOPIC),
                new Synonym("log.retention.hours", "2", SOURCE_STATIC_BROKER),
                new Synonym("log.retention.hours", "168", SOURCE_DEFAULT));
    }

    @Test
    void synonymsGoFromTheMostSpecificKeyWithinEachSource() {
        ConfigDescriber describer = describer(Map.of("log.retention.hours", "2", "log.retention.minutes", "30", "log.retention.ms", "99"));
        DescribedConfig retention = topicKey(describer, Map.of(), "retention.ms");
        assertThat(retention.value()).isEqualTo("99");
        assertThat(retention.synonyms()).containsExactly(
                new Synonym("log.retention.ms", "99", SOURCE_STATIC_BROKER),
                new Synonym("log.retention.minutes", "30", SOURCE_STATIC_BROKER),
                new Synonym("log.retention.hours", "2", SOURCE_STATIC_BROKER),
                new Synonym("log.retention.hours", "168", SOURCE_DEFAULT));
    }

    @Test
    void aKeyWithoutBrokerSynonymsHasNone() {
        DescribedConfig remote = topicKey(describer(Map.of()), Map.of(), "remote.storage.enable");
        assertThat(remote.value()).isEqualTo("false");
        assertThat(remote.source()).isEqualTo(SOURCE_DEFAULT);
        assertThat(remote.synonyms()).isEmpty();

        DescribedConfig overridden = topicKey(describer(Map.of()), Map.of("remote.storage.enable", "false"), "remote.storage.enable");
        assertThat(overridden.source()).isEqualTo(SOURCE_TOPIC);
        assertThat(overridden.synonyms()).containsExactly(new Synonym("remote.storage.enable", "false", SOURCE_TOPIC));
    }

    @Test
    void listsAreRenderedAsCommaSeparatedText() {
        DescribedConfig policy = topicKey(describer(Map.of()), Map.of("cleanup.policy", "compact, delete"), "cleanup.policy");
        assertThat(policy.value()).isEqualTo("compact,delete");
        assertThat(policy.synonyms()).first().isEqualTo(new Synonym("cleanup.policy", "compact, delete", SOURCE_TOPIC));
        assertThat(policy.synonyms()).last().isEqualTo(new Synonym("log.cleanup.policy", "delete", SOURCE_DEFAULT));
    }

    @Test
    void describesBrokerKeysAsReadOnly() {
        List<DescribedConfig> configs = describer(Map.of("num.partitions", "3")).describeBroker(List.of("num.partitions", "log.retention.hours",
                "advertised.listeners"));
        assertThat(configs).extracting(DescribedConfig::name).containsExactly("advertised.listeners", "num.partitions", "log.retention.hours");
        assertThat(configs).allSatisfy(c -> assertThat(c.readOnly()).isTrue());

        DescribedConfig advertised = configs.get(0);
        assertThat(advertised.value()).isNull();
        assertThat(advertised.source()).isEqualTo(SOURCE_DEFAULT);
        assertThat(advertised.synonyms()).isEmpty();

        DescribedConfig partitions = configs.get(1);
        assertThat(partitions.value()).isEqualTo("3");
        assertThat(partitions.source()).isEqualTo(SOURCE_STATIC_BROKER);
        assertThat(partitions.synonyms()).containsExactly(new Synonym("num.partitions", "3", SOURCE_STATIC_BROKER),
                new Synonym("num.partitions", "1", SOURCE_DEFAULT));

        DescribedConfig hours = configs.get(2);
        assertThat(hours.value()).isEqualTo("168");
        assertThat(hours.source()).isEqualTo(SOURCE_DEFAULT);
    }

    @Test
    void describesEveryBrokerKeyWhenNoneAreNamed() {
        assertThat(describer(Map.of()).describeBroker(null)).hasSize(BrokerConfigs.DEFINITION.keys().size());
    }
}
