package io.vltava.metadata.controller;

import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.ClientQuotaRecord;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.metadata.record.QuotaKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.EntityData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.EntryData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.OpData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterClientQuotas on the controller: validates each entity and its changes on its own (an entity's
 * error does not fail the others), then writes a {@link ClientQuotaRecord} for every bound that changes.
 *
 * <p>Threading: stateless; called on the controller thread.
 */
final class ClientQuotaControl {

    /** Kafka's entity type of a client address; its quotas are not supported. */
    static final String IP = "ip";

    /** How far from a whole number an integral quota may be and still count as one. */
    private static final double EPSILON = 1e-6;

    private ClientQuotaControl() {
    }

    static ControllerResult<AlterClientQuotasResponseData> alterClientQuotas(MetadataImage image, AlterClientQuotasRequestData request) {
        AlterClientQuotasResponseData response = new AlterClientQuotasResponseData();
        List<MetadataRecord> records = new ArrayList<>();
        for (EntryData entry : request.entries()) {
            List<MetadataRecord> changes = new ArrayList<>();
            ApiError error = alter(image, entry, changes);
            if (error.isSuccess() && !request.validateOnly()) {
                records.addAll(changes);
            }
            AlterClientQuotasResponseData.EntryData result = new AlterClientQuotasResponseData.EntryData()
                    .setErrorCode(error.error().code())
                    .setErrorMessage(error.message());
            for (EntityData entity : entry.entity()) {
                result.entity().add(new AlterClientQuotasResponseData.EntityData().setEntityType(entity.entityType())
                        .setEntityName(entity.entityName()));
            }
            response.entries().add(result);
        }
        return new ControllerResult<>(records, response);
    }

    private static ApiError alter(MetadataImage image, EntryData entry, List<MetadataRecord> changes) {
        QuotaEntity.Part user = null;
        QuotaEntity.Part clientId = null;
        for (EntityData component : entry.entity()) {
            QuotaEntity.Part part = component.entityName() == null ? QuotaEntity.Part.DEFAULT : QuotaEntity.Part.named(component.entityName());
            switch (Objects.requireNonNullElse(component.entityType(), "")) {
                case QuotaEntity.USER -> {
                    if (user != null) {
                        return new ApiError(Errors.INVALID_REQUEST, "Duplicate user in the quota entity");
                    }
                    user = part;
                }
                case QuotaEntity.CLIENT_ID -> {
                    if (clientId != null) {
                        return new ApiError(Errors.INVALID_REQUEST, "Duplicate client-id in the quota entity");
                    }
                    clientId = part;
                }
                case IP -> {
                    return new ApiError(Errors.INVALID_REQUEST, "Vltava does not support ip quotas");
                }
                default -> {
                    return new ApiError(Errors.INVALID_REQUEST, "Unknown quota entity type: " + component.entityType());
                }
            }
        }
        if (user == null && clientId == null) {
            return new ApiError(Errors.INVALID_REQUEST, "The quota entity is empty");
        }
        QuotaEntity entity = new QuotaEntity(user, clientId);
        Map<String, Double> current = image.clientQuotas(entity);
        Set<String> seen = new HashSet<>();
        for (OpData op : entry.ops()) {
            QuotaKey key = QuotaKey.forKey(op.key());
            if (key == null) {
                return new ApiError(Errors.INVALID_REQUEST, "Unknown quota key: " + op.key());
            }
            if (!seen.add(op.key())) {
                return new ApiError(Errors.INVALID_REQUEST, "Duplicate quota key " + op.key() + " for " + entity);
            }
            Double value = op.remove() ? null : op.value();
            if (value != null) {
                ApiError invalid = checkValue(key, value);
                if (invalid != null) {
                    return invalid;
                }
            }
            if (!Objects.equals(current.get(op.key()), value)) {
                changes.add(new ClientQuotaRecord(entity, op.key(), value));
            }
        }
        return ApiError.NONE;
    }

    private static ApiError checkValue(QuotaKey key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value) || value <= 0) {
            return new ApiError(Errors.INVALID_REQUEST, "The value of " + key.key() + " must be a positive number, not " + value);
        }
        if (key.integral() && Math.abs(value - Math.rint(value)) > EPSILON) {
            return new ApiError(Errors.INVALID_REQUEST, "The value of " + key.key() + " must be a whole number, not " + value);
        }
        return null;
    }
}
