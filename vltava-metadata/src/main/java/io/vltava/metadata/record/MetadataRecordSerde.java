package io.vltava.metadata.record;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The binary form of metadata records in the metadata log and its snapshots.
 *
 * <pre>
 * batch:  int8 format (0) | int32 record count | records
 * record: int8 type | int8 version (0) | fields, big-endian;
 *         strings as int32 byte length (-1 for null) + UTF-8; UUIDs as two int64;
 *         int lists as int32 count + int32 values
 * </pre>
 * Types: 1 topic, 2 partition, 3 remove topic, 4 config, 5 producer ids, 6 register broker, 7 client
 * quota (entity parts as int8 0 absent, 1 default, 2 named + string; value as int8 0 removed, 1 + float64). A record
 * type or version this code does not know fails the decode, so an older broker never silently skips
 * state a newer one wrote.
 *
 * <p>Threading: stateless.
 */
public final class MetadataRecordSerde {

    private static final byte FORMAT = 0;
    private static final byte VERSION = 0;
    private static final byte TOPIC = 1;
    private static final byte PARTITION = 2;
    private static final byte REMOVE_TOPIC = 3;
    private static final byte CONFIG = 4;
    private static final byte PRODUCER_IDS = 5;
    private static final byte REGISTER_BROKER = 6;
    private static final byte CLIENT_QUOTA = 7;
    private static final byte PART_ABSENT = 0;
    private static final byte PART_DEFAULT = 1;
    private static final byte PART_NAMED = 2;

    private MetadataRecordSerde() {
    }

    public static byte[] encode(List<? extends MetadataRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * records.size() + 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(records.size());
            for (MetadataRecord record : records) {
                write(out, record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException if the bytes are not a batch this code can read
     */
    public static List<MetadataRecord> decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("Unknown metadata batch format " + format);
            }
            int count = in.readInt();
            if (count < 0 || count > data.length) {
                throw new IllegalArgumentException("Bad metadata record count " + count);
            }
            List<MetadataRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                records.add(read(in));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " bytes left after the metadata records");
            }
            return records;
        } catch (IOException e) {
            throw new IllegalArgumentException("Truncated metadata batch", e);
        }
    }

    private static void write(DataOutputStream out, MetadataRecord record) throws IOException {
        switch (record) {
            case TopicRecord r -> {
                header(out, TOPIC);
                writeString(out, r.name());
                writeUuid(out, r.topicId());
            }
            case PartitionRecord r -> {
                header(out, PARTITION);
                writeUuid(out, r.topicId());
                out.writeInt(r.partitionId());
                writeInts(out, r.replicas());
                writeInts(out, r.isr());
                out.writeInt(r.leader());
                out.writeInt(r.leaderEpoch());
                out.writeInt(r.partitionEpoch());
            }
            case RemoveTopicRecord r -> {
                header(out, REMOVE_TOPIC);
                writeUuid(out, r.topicId());
            }
            case ConfigRecord r -> {
                header(out, CONFIG);
                out.writeByte(r.resourceType().code());
                writeString(out, r.resourceName());
                writeString(out, r.name());
                writeString(out, r.value());
            }
            case ProducerIdsRecord r -> {
                header(out, PRODUCER_IDS);
                out.writeInt(r.brokerId());
                out.writeLong(r.nextProducerId());
            }
            case RegisterBrokerRecord r -> {
                header(out, REGISTER_BROKER);
                out.writeInt(r.brokerId());
                writeUuid(out, r.incarnationId());
                out.writeInt(r.endpoints().size());
                for (RegisterBrokerRecord.BrokerEndpoint endpoint : r.endpoints()) {
                    writeString(out, endpoint.listenerName());
                    writeString(out, endpoint.host());
                    out.writeInt(endpoint.port());
                    writeString(out, endpoint.securityProtocol());
                }
                writeString(out, r.rack());
            }
            case ClientQuotaRecord r -> {
                header(out, CLIENT_QUOTA);
                writePart(out, r.entity().user());
                writePart(out, r.entity().clientId());
                writeString(out, r.key());
                out.writeBoolean(r.value() != null);
                if (r.value() != null) {
                    out.writeDouble(r.value());
                }
            }
        }
    }

    private static MetadataRecord read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IllegalArgumentException("Unknown version " + version + " of metadata record type " + type);
        }
        return switch (type) {
            case TOPIC -> new TopicRecord(readString(in), readUuid(in));
            case PARTITION -> new PartitionRecord(readUuid(in), in.readInt(), readInts(in), readInts(in), in.readInt(), in.readInt(), in.readInt());
            case REMOVE_TOPIC -> new RemoveTopicRecord(readUuid(in));
            case CONFIG -> new ConfigRecord(ConfigResourceType.forCode(in.readByte()), readString(in), readString(in), readString(in));
            case PRODUCER_IDS -> new ProducerIdsRecord(in.readInt(), in.readLong());
            case REGISTER_BROKER -> {
                int brokerId = in.readInt();
                UUID incarnation = readUuid(in);
                int count = in.readInt();
                if (count < 0 || count > in.available()) {
                    throw new IllegalArgumentException("Bad endpoint count " + count);
                }
                List<RegisterBrokerRecord.BrokerEndpoint> endpoints = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    endpoints.add(new RegisterBrokerRecord.BrokerEndpoint(readString(in), readString(in), in.readInt(), readString(in)));
                }
                yield new RegisterBrokerRecord(brokerId, incarnation, endpoints, readString(in));
            }
            case CLIENT_QUOTA -> new ClientQuotaRecord(new QuotaEntity(readPart(in), readPart(in)), readString(in),
                    in.readBoolean() ? in.readDouble() : null);
            default -> throw new IllegalArgumentException("Unknown metadata record type " + type);
        };
    }

    private static void header(DataOutputStream out, byte type) throws IOException {
        out.writeByte(type);
        out.writeByte(VERSION);
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new IllegalArgumentException("Bad string length " + length);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void writePart(DataOutputStream out, QuotaEntity.Part part) throws IOException {
        if (part == null) {
            out.writeByte(PART_ABSENT);
        } else if (part.isDefault()) {
            out.writeByte(PART_DEFAULT);
        } else {
            out.writeByte(PART_NAMED);
            writeString(out, part.name());
        }
    }

    private static QuotaEntity.Part readPart(DataInputStream in) throws IOException {
        byte kind = in.readByte();
        return switch (kind) {
            case PART_ABSENT -> null;
            case PART_DEFAULT -> QuotaEntity.Part.DEFAULT;
            case PART_NAMED -> QuotaEntity.Part.named(readString(in));
            default -> throw new IllegalArgumentException("Unknown quota entity part " + kind);
        };
    }

    private static void writeUuid(DataOutputStream out, UUID id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static UUID readUuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    private static void writeInts(DataOutputStream out, List<Integer> values) throws IOException {
        out.writeInt(values.size());
        for (int value : values) {
            out.writeInt(value);
        }
    }

    private static List<Integer> readInts(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available() / 4) {
            throw new IllegalArgumentException("Bad list length " + count);
        }
        List<Integer> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(in.readInt());
        }
        return values;
    }
}
