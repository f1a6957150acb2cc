package io.vltava.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.ClientQuotaRecord;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.QuotaEntity;
import java.util.List;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.EntityData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.EntryData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.OpData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ClientQuotaControlTest {

    private static final QuotaEntity APP = new QuotaEntity(null, QuotaEntity.Part.named("app"));

    @Test
    void setsAQuotaAndAnswersPerEntity() {
        ControllerResult<AlterClientQuotasResponseData> result = alter(MetadataImage.EMPTY, false,
                entry(List.of(entity("client-id", "app")), set("producer_byte_rate", 1024)),
                entry(List.of(entity("user", null), entity("client-id", null)), set("consumer_byte_rate", 10)));

        assertThat(result.records()).containsExactly(new ClientQuotaRecord(APP, "producer_byte_rate", 1024.0),
                new ClientQuotaRecord(new QuotaEntity(QuotaEntity.Part.DEFAULT, QuotaEntity.Part.DEFAULT), "consumer_byte_rate", 10.0));
        assertThat(result.response().entries()).extracting(AlterClientQuotasResponseData.EntryData::errorCode)
                .containsExactly(Errors.NONE.code(), Errors.NONE.code());
        assertThat(result.response().entries().get(1).entity()).extracting(AlterClientQuotasResponseData.EntityData::entityName)
                .containsExactly(null, null);
    }

    @Test
    void validateOnlyWritesNothing() {
        ControllerResult<AlterClientQuotasResponseData> result = alter(MetadataImage.EMPTY, true,
                entry(List.of(entity("client-id", "app")), set("producer_byte_rate", 1024)));

        assertThat(result.records()).isEmpty();
        assertThat(result.response().entries().get(0).errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void removesAQuotaAndSkipsWhatDoesNotChange() {
        MetadataImage image = image(new ClientQuotaRecord(APP, "producer_byte_rate", 1024.0));

        ControllerResult<AlterClientQuotasResponseData> result = alter(image, false,
                entry(List.of(entity("client-id", "app")), remove("producer_byte_rate"), remove("consumer_byte_rate")));
        ControllerResult<AlterClientQuotasResponseData> same = alter(image, false,
                entry(List.of(entity("client-id", "app")), set("producer_byte_rate", 1024)));

        assertThat(result.records()).containsExactly(new ClientQuotaRecord(APP, "producer_byte_rate", null));
        assertThat(same.records()).isEmpty();
    }

    @Test
    void refusesBadEntitiesKeysAndValuesOneEntryAtATime() {
        ControllerResult<AlterClientQuotasResponseData> result = alter(MetadataImage.EMPTY, false,
                entry(List.of(entity("client-id", "app")), set("producer_byte_rate", 1.5)),
                entry(List.of(entity("client-id", "app")), set("no_such_quota", 1)),
                entry(List.of(entity("client-id", "app")), set("consumer_byte_rate", -1)),
                entry(List.of(entity("group", "g")), set("consumer_byte_rate", 1)),
                entry(List.of(entity("ip", "127.0.0.1")), set("connection_creation_rate", 1)),
                entry(List.of(), set("consumer_byte_rate", 1)),
                entry(List.of(entity("user", "a"), entity("user", "b")), set("consumer_byte_rate", 1)),
                entry(List.of(entity("client-id", "app")), set("request_percentage", 1), set("request_percentage", 2)),
                entry(List.of(entity("user", "alice")), set("request_percentage", 12.5)));

        assertThat(result.response().entries()).extracting(AlterClientQuotasResponseData.EntryData::errorCode).containsExactly(
                Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(),
                Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(),
                Errors.NONE.code());
        assertThat(result.response().entries().get(0).errorMessage()).contains("whole number");
        assertThat(result.records()).containsExactly(
                new ClientQuotaRecord(new QuotaEntity(QuotaEntity.Part.named("alice"), null), "request_percentage", 12.5));
    }

    private static ControllerResult<AlterClientQuotasResponseData> alter(MetadataImage image, boolean validateOnly, EntryData... entries) {
        AlterClientQuotasRequestData request = new AlterClientQuotasRequestData().setValidateOnly(validateOnly).setEntries(List.of(entries));
        return ClientQuotaControl.alterClientQuotas(image, request);
    }

    private static MetadataImage image(MetadataRecord... records) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        for (MetadataRecord record : records) {
            delta.replay(record);
        }
        return delta.apply(0);
    }

    private static EntryData entry(List<EntityData> entity, OpData... ops) {
        return new EntryData().setEntity(entity).setOps(List.of(ops));
    }

    private static EntityData entity(String type, String name) {
        return new EntityData().setEntityType(type).setEntityName(name);
    }

    private static OpData set(String key, double value) {
        return new OpData().setKey(key).setValue(value);
    }

    private static OpData remove(String key) {
        return new OpData().setKey(key).setRemove(true);
    }
}
