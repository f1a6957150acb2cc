package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.ClientQuotaRecord;
import io.vltava.metadata.record.QuotaEntity;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;
import org.junit.jupiter.api.Test;

class DescribeClientQuotasHandlerTest {

    private static final byte EXACT = 0;
    private static final byte DEFAULT = 1;
    private static final byte ANY = 2;

    private final MetadataImage image = image(
            new ClientQuotaRecord(new QuotaEntity(null, QuotaEntity.Part.named("app")), "producer_byte_rate", 100.0),
            new ClientQuotaRecord(new QuotaEntity(null, QuotaEntity.Part.DEFAULT), "producer_byte_rate", 50.0),
            new ClientQuotaRecord(new QuotaEntity(QuotaEntity.Part.named("alice"), QuotaEntity.Part.named("app")), "consumer_byte_rate", 7.0),
            new ClientQuotaRecord(new QuotaEntity(QuotaEntity.Part.DEFAULT, null), "request_percentage", 25.0));
    private final DescribeClientQuotasHandler handler = new DescribeClientQuotasHandler(() -> image);

    private static MetadataImage image(ClientQuotaRecord... records) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        for (ClientQuotaRecord record : records) {
            delta.replay(record);
        }
        return delta.apply(0);
    }

    private DescribeClientQuotasResponseData describe(boolean strict, ComponentData... components) {
        DescribeClientQuotasRequestData data = new DescribeClientQuotasRequestData().setStrict(strict).setComponents(List.of(components));
        return Requests.done(handler.handle(Requests.context(ApiKeys.DESCRIBE_CLIENT_QUOTAS, (short) 1, "admin", null),
                new DescribeClientQuotasRequest(data, (short) 1)));
    }

    private static ComponentData component(String type, byte matchType, String match) {
        return new ComponentData().setEntityType(type).setMatchType(matchType).setMatch(match);
    }

    /** Each entry as its entity path and values, e.g. {@code /clients/app producer_byte_rate=100.0}. */
    private static List<String> entries(DescribeClientQuotasResponseData response) {
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        List<String> entries = new ArrayList<>();
        for (DescribeClientQuotasResponseData.EntryData entry : response.entries()) {
            StringBuilder text = new StringBuilder();
            for (DescribeClientQuotasResponseData.EntityData entity : entry.entity()) {
                text.append(entity.entityType().equals("user") ? "/users/" : "/clients/")
                        .append(entity.entityName() == null ? "<default>" : entity.entityName());
            }
            for (DescribeClientQuotasResponseData.ValueData value : entry.values()) {
                text.append(' ').append(value.key()).append('=').append(value.value());
            }
            entries.add(text.toString());
        }
        return entries;
    }

    @Test
    void anExactClientIdMatchesEveryEntityWithItUnlessStrict() {
        assertThat(entries(describe(false, component("client-id", EXACT, "app"))))
                .containsExactlyInAnyOrder("/clients/app producer_byte_rate=100.0", "/users/alice/clients/app consumer_byte_rate=7.0");
        assertThat(entries(describe(true, component("client-id", EXACT, "app")))).containsExactly("/clients/app producer_byte_rate=100.0");
    }

    @Test
    void defaultAndAnyMatchTheirNames() {
        assertThat(entries(describe(true, component("client-id", DEFAULT, null)))).containsExactly("/clients/<default> producer_byte_rate=50.0");
        assertThat(entries(describe(true, component("client-id", ANY, null))))
                .containsExactlyInAnyOrder("/clients/app producer_byte_rate=100.0", "/clients/<default> producer_byte_rate=50.0");
        assertThat(entries(describe(false, component("user", ANY, null))))
                .containsExactlyInAnyOrder("/users/alice/clients/app consumer_byte_rate=7.0", "/users/<default> request_percentage=25.0");
    }

    @Test
    void anEmptyFilterMatchesEverythingUnlessStrict() {
        assertThat(entries(describe(false))).hasSize(4);
        assertThat(entries(describe(true))).isEmpty();
    }

    @Test
    void aBadFilterIsAnInvalidRequest() {
        assertThat(describe(false, component("group", ANY, null)).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(describe(false, component("user", ANY, null), component("user", ANY, null)).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(describe(false, component("user", EXACT, null)).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(describe(false, component("ip", ANY, null), component("user", ANY, null)).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
    }
}
