package io.vltava.metadata.record;

/**
 * Who a client quota applies to: a user, a client id, or a user and a client id, each either named
 * or the default for that kind of entity.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param user     the user component, or null when the entity has none
 * @param clientId the client id component, or null when the entity has none
 */
public record QuotaEntity(Part user, Part clientId) {

    /** Kafka's entity type of a user principal. */
    public static final String USER = "user";
    /** Kafka's entity type of a client id. */
    public static final String CLIENT_ID = "client-id";

    public QuotaEntity {
        if (user == null && clientId == null) {
            throw new IllegalArgumentException("A quota entity needs a user or a client id");
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (user != null) {
            text.append("/users/").append(user);
        }
        if (clientId != null) {
            text.append("/clients/").append(clientId);
        }
        return text.toString();
    }

    /**
     * One component of an entity: a name, or the default of its kind.
     *
     * <p>Threading: immutable; safe from any thread.
     *
     * @param name the name, or null for the default
     */
    public record Part(String name) {

        public static final Part DEFAULT = new Part(null);

        public static Part named(String name) {
            return new Part(name);
        }

        public boolean isDefault() {
            return name == null;
        }

        @Override
        public String toString() {
            return name == null ? "<default>" : name;
        }
    }
}
