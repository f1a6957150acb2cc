package io.vltava.broker.api;

import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.network.RequestContext;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.EntityData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.EntryData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.ValueData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;

/**
 * DescribeClientQuotas: the quotas of every entity that matches the filter, from the metadata image.
 * Each filter component names an entity type and matches its name exactly, only the default, or any
 * name; an entity matches when it has every component the filter names, and, for a strict filter, no
 * other.
 *
 * <p>Threading: stateless; answers on the calling thread.
 */
public final class DescribeClientQuotasHandler implements ApiHandler<DescribeClientQuotasRequest> {

    private static final byte MATCH_EXACT = 0;
    private static final byte MATCH_DEFAULT = 1;
    private static final byte MATCH_ANY = 2;

    private final Supplier<MetadataImage> image;

    public DescribeClientQuotasHandler(Supplier<MetadataImage> image) {
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLIENT_QUOTAS;
    }

    @Override
    public CompletableFuture<DescribeClientQuotasResponseData> handle(RequestContext context, DescribeClientQuotasRequest request) {
        DescribeClientQuotasRequestData data = request.data();
        String invalid = invalidFilter(data.components());
        if (invalid != null) {
            return CompletableFuture.completedFuture(new DescribeClientQuotasResponseData().setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage(invalid).setEntries(null));
        }
        DescribeClientQuotasResponseData response = new DescribeClientQuotasResponseData().setErrorCode(Errors.NONE.code());
        for (Map.Entry<QuotaEntity, Map<String, Double>> entry : image.get().clientQuotas().entrySet()) {
            QuotaEntity entity = entry.getKey();
            if (matches(entity, data.components(), data.strict())) {
                EntryData result = new EntryData();
                if (entity.user() != null) {
                    result.entity().add(new EntityData().setEntityType(QuotaEntity.USER).setEntityName(entity.user().name()));
                }
                if (entity.clientId() != null) {
                    result.entity().add(new EntityData().setEntityType(QuotaEntity.CLIENT_ID).setEntityName(entity.clientId().name()));
                }
                entry.getValue().forEach((key, value) -> result.values().add(new ValueData().setKey(key).setValue(value)));
                response.entries().add(result);
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    /** Why the filter cannot be answered, or null when it can. */
    private static String invalidFilter(List<ComponentData> components) {
        Set<String> types = new HashSet<>();
        for (ComponentData component : components) {
            String type = component.entityType();
            if (!QuotaEntity.USER.equals(type) && !QuotaEntity.CLIENT_ID.equals(type) && !"ip".equals(type)) {
                return "Unknown quota entity type: " + type;
            }
            if (!types.add(type)) {
                return "Duplicate filter component entity type: " + type;
            }
            if (component.matchType() == MATCH_EXACT && component.match() == null) {
                return "Unspecified filter component match for entity type " + type;
            }
            if (component.matchType() != MATCH_EXACT && component.matchType() != MATCH_DEFAULT && component.matchType() != MATCH_ANY) {
                return "Unknown filter component match type " + component.matchType();
            }
        }
        if (types.contains("ip") && types.size() > 1) {
            return "Invalid entity filter component combination: ip cannot be combined with user or client-id";
        }
        return null;
    }

    private static boolean matches(QuotaEntity entity, List<ComponentData> components, boolean strict) {
        int matched = 0;
        for (ComponentData component : components) {
            QuotaEntity.Part part = switch (component.entityType()) {
                case QuotaEntity.USER -> entity.user();
                case QuotaEntity.CLIENT_ID -> entity.clientId();
                default -> null;
            };
            if (part == null || !matches(part, component)) {
                return false;
            }
            matched++;
        }
        int parts = (entity.user() == null ? 0 : 1) + (entity.clientId() == null ? 0 : 1);
        return !strict || matched == parts;
    }

    private static boolean matches(QuotaEntity.Part part, ComponentData component) {
        return switch (component.matchType()) {
            case MATCH_EXACT -> !part.isDefault() && part.name().equals(component.match());
            case MATCH_DEFAULT -> part.isDefault();
            default -> true;
        };
    }
}
