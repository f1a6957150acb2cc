package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.testing.EmbeddedBroker;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code controller_mutation_rate} against the Java Admin client: a client id with a quota of 2
 * partitions a second (and a burst of 4, the broker measuring over 2 samples of 1 s) creating three
 * topics of 10 partitions gets the first and is refused the others, told how long to wait; another
 * client id at the same time is not held back.
 *
 * <p>The topics go in one request: the Admin client waits out the throttle time of a response before
 * its next request on the connection, and by then the bucket is back to zero, so one topic a request
 * from one client would never be refused.
 */
class ControllerMutationQuotaIT {

    private static final String LIMITED = "limited-admin";

    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start(Map.of("quota.window.num", "2"));
        try (Admin admin = admin("setup")) {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, LIMITED)),
                    List.of(new ClientQuotaAlteration.Op("controller_mutation_rate", 2.0))))).all().get();
        }
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private Admin admin(String clientId) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return Admin.create(props);
    }

    private static CreateTopicsResult createThree(Admin admin, String prefix) {
        List<NewTopic> topics = List.of(new NewTopic(prefix + "-1", 10, (short) 1), new NewTopic(prefix + "-2", 10, (short) 1),
                new NewTopic(prefix + "-3", 10, (short) 1));
        return admin.createTopics(topics, new CreateTopicsOptions().retryOnQuotaViolation(false));
    }

    @Test
    void aClientOverItsMutationRateIsRefusedAndOthersAreNot() throws Exception {
        try (Admin limited = admin(LIMITED); Admin other = admin("unlimited-admin")) {
            CreateTopicsResult result = createThree(limited, "limited");

            assertThat(result.values().get("limited-1").get()).isNull();
            assertThatThrownBy(() -> result.values().get("limited-2").get())
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(ThrottlingQuotaExceededException.class,
                            e -> assertThat(e.throttleTimeMs()).as("6 partitions below zero at 2 a second").isBetween(1, 3000));
            assertThatThrownBy(() -> result.values().get("limited-3").get()).cause().isInstanceOf(ThrottlingQuotaExceededException.class);

            createThree(other, "other").all().get();

            assertThat(other.listTopics().names().get()).contains("limited-1", "other-1", "other-2", "other-3")
                    .doesNotContain("limited-2", "limited-3");
        }
    }
}
